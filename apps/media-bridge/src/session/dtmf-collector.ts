/**
 * Gathers keypad digits pressed in quick succession ("1", "2", "3" → "123") so the model gets
 * one message per entry instead of one per key.
 */
export class DtmfCollector {
  private digits = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly flush: (digits: string) => void,
  ) {}

  push(digit: string): void {
    this.digits += digit;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emit(), this.windowMs);
  }

  close(): void {
    clearTimeout(this.timer);
    this.digits = '';
  }

  private emit(): void {
    const digits = this.digits;
    this.digits = '';
    if (digits) this.flush(digits);
  }
}
