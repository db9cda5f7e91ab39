/**
 * The page's long tasks, read from a browser trace. A `longtask` PerformanceObserver misses the
 * page's garbage-collection tasks (traces here showed 100–300 ms GC pauses it never reported), so the
 * benchmark traces instead: every task of the page's main thread over 50 ms, and what filled it.
 */
import type { Page } from 'puppeteer-core';

export interface PageTask {
  /** Wall time of the task, ms. */
  ms: number;
  /** The main thread's CPU time in it, ms, when the trace has thread times: near `ms`, the work itself was long; far below, the thread waited for a core. */
  cpuMs?: number;
  /** What took most of it: 'GC' when garbage collection did, else the longest event inside. */
  what: string;
}

const LONG_TASK_US = 50_000;
/** Light categories: every task's span, GC phases, and the page's own user-timing marks. */
const CATEGORIES = ['toplevel', 'blink.user_timing', 'disabled-by-default-v8.gc'];
const MARK = 'backdrop-bench-page';

interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: Record<string, unknown> }

/** Runs `work` under a trace and returns it with the long tasks of `page`'s main thread meanwhile. */
export async function withPageTasks<T>(page: Page, work: () => Promise<T>): Promise<{ result: T; tasks: PageTask[] }> {
  await page.tracing.start({ categories: CATEGORIES });
  let outcome: { ok: true; result: T } | { ok: false; error: unknown };
  try {
    // A mark made by the page names its renderer process and main thread in the trace.
    await page.evaluate((mark) => performance.mark(mark), MARK);
    outcome = { ok: true, result: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const trace = await page.tracing.stop();
  if (!outcome.ok) throw outcome.error;
  if (!trace) throw new Error('page-tasks: the browser returned no trace');
  return { result: outcome.result, tasks: longTasks(JSON.parse(new TextDecoder().decode(trace)), MARK) };
}

/** The tasks over 50 ms on the main thread of the page that made `mark` (top-level tasks only). */
export function longTasks(trace: { traceEvents?: TraceEvent[] } | TraceEvent[], mark: string): PageTask[] {
  const events = Array.isArray(trace) ? trace : trace.traceEvents ?? [];
  const marker = events.find((e) => e.name === mark);
  if (!marker) throw new Error('page-tasks: the page mark is not in the trace');
  const onMain = events.filter((e) => e.pid === marker.pid && e.tid === marker.tid && e.ph === 'X' && e.dur !== undefined);
  const runs = onMain.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.dur! > LONG_TASK_US).sort((a, b) => a.ts - b.ts);
  const tasks: PageTask[] = [];
  let end = -Infinity;
  for (const task of runs) {
    if (task.ts < end) continue; // nested in the task before
    end = task.ts + task.dur!;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= end && !/RunTask/.test(e.name));
    const gc = inside.filter((e) => e.name === 'MajorGC' || e.name === 'MinorGC' || e.name.startsWith('V8.GC') || e.name.startsWith('CppGC.'))
      .reduce((m, e) => Math.max(m, e.dur!), 0);
    const longest = inside.sort((a, b) => b.dur! - a.dur!)[0];
    const what = gc > task.dur! / 2 ? 'GC' : longest?.name ?? task.name;
    tasks.push(task.tdur === undefined ? { ms: task.dur! / 1000, what } : { ms: task.dur! / 1000, cpuMs: task.tdur / 1000, what });
  }
  return tasks;
}
