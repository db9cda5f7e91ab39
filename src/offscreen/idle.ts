/** Calls `onIdle` once nothing has been busy for `ms`. */
export class IdleTimer {
  private active = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private ms: number, private onIdle: () => void) {
    this.arm();
  }

  busy() {
    this.active++;
    clearTimeout(this.timer);
  }

  done() {
    this.active = Math.max(0, this.active - 1);
    if (this.active === 0) this.arm();
  }

  private arm() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.active === 0 && this.onIdle(), this.ms);
  }
}
