import { describe, expect, test } from 'vitest';
import { longTasks } from '../bench/page-tasks';

const MARK = 'mark';
const ev = (name: string, pid: number, tid: number, tsMs: number, durMs?: number, cpuMs?: number) =>
  ({ name, ph: durMs === undefined ? 'R' : 'X', pid, tid, ts: tsMs * 1000, dur: durMs === undefined ? undefined : durMs * 1000, tdur: cpuMs === undefined ? undefined : cpuMs * 1000 });

describe('the benchmark’s page long tasks, read from a trace', () => {
  test('only the marking page’s main thread, only tasks over 50 ms, nested spans counted once, GC named, CPU time when traced', () => {
    const trace = {
      traceEvents: [
        ev(MARK, 1, 10, 0),
        // a GC task: RunTask around ThreadControllerImpl::RunTask around MajorGC
        ev('RunTask', 1, 10, 100, 120, 116), ev('ThreadControllerImpl::RunTask', 1, 10, 100.1, 119.8), ev('V8.GCHandleGCRequest', 1, 10, 101, 118),
        ev('V8.GC_MARK_COMPACTOR', 1, 10, 102, 110),
        // a script task
        ev('ThreadControllerImpl::RunTask', 1, 10, 300, 60), ev('v8.callFunction', 1, 10, 301, 55), ev('MinorGC', 1, 10, 302, 3),
        // short, another thread of the page, another process
        ev('ThreadControllerImpl::RunTask', 1, 10, 400, 49), ev('ThreadControllerImpl::RunTask', 1, 11, 500, 300),
        ev('ThreadControllerImpl::RunTask', 2, 10, 600, 300),
      ],
    };
    const tasks = longTasks(trace, MARK);
    expect(tasks).toEqual([{ ms: 120, cpuMs: 116, what: 'GC' }, { ms: 60, what: 'v8.callFunction' }]);
    expect('cpuMs' in tasks[1]).toBe(false); // no thread time in the trace: none reported
  });
  test('none, and a trace without the page’s mark is an error rather than "none"', () => {
    expect(longTasks([ev(MARK, 1, 10, 0), ev('RunTask', 1, 10, 1, 10)], MARK)).toEqual([]);
    expect(() => longTasks([ev('RunTask', 1, 10, 1, 100)], MARK)).toThrow(/mark/);
  });
});
