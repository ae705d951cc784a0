const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * A time as the agent should say it: "Tue 2 Dec, 10:30 UTC". Slots are kept and offered in
 * UTC; the label names the zone so the model never guesses one.
 */
export function spokenTime(at: Date): string {
  const weekday = WEEKDAYS[at.getUTCDay()];
  const month = MONTHS[at.getUTCMonth()];
  return `${weekday} ${at.getUTCDate()} ${month}, ${twoDigits(at.getUTCHours())}:${twoDigits(at.getUTCMinutes())} UTC`;
}

/** A time for the model: exact (ISO) and sayable. */
export interface TimeView {
  startsAt: string;
  when: string;
}

export function timeView(at: Date): TimeView {
  return { startsAt: at.toISOString(), when: spokenTime(at) };
}
