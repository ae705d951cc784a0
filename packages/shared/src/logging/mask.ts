/** Masks every digit of a phone-like value but the last four: `+15551234567` → `+1*******4567`. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  if (digits < 5) return value;
  let toMask = digits - 4;
  let seenFirst = false;
  let out = '';
  for (const ch of value) {
    const isDigit = ch >= '0' && ch <= '9';
    if (isDigit && toMask > 0) {
      // The leading digit (country code) stays: it helps debugging and identifies nobody.
      if (!seenFirst && value.startsWith('+')) {
        out += ch;
      } else {
        out += '*';
      }
      seenFirst = true;
      toMask--;
    } else {
      out += ch;
    }
  }
  return out;
}

const E164_IN_TEXT = /\+[1-9]\d{6,14}/g;

/** Masks phone numbers written anywhere in a text (the last line of defence on every log line). */
export function maskPhonesInText(text: string): string {
  return text.replace(E164_IN_TEXT, (match) => maskPhone(match));
}
