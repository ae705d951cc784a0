/** The whisper is heard by the human before the caller is put through: keep it short. */
const WHISPER_SUMMARY_MAX_CHARS = 400;
const WHISPER_REASON_MAX_CHARS = 150;

/** What the human hears when they pick up, before the caller is put through. */
export function whisperText(input: { reason: string; summary: string; priority: string }): string {
  const urgency =
    input.priority === 'urgent' || input.priority === 'high' ? `${input.priority} priority. ` : '';
  return (
    `Transfer from the AI receptionist. ${urgency}Reason: ${sentence(clip(input.reason, WHISPER_REASON_MAX_CHARS))} ` +
    `Summary: ${sentence(clip(input.summary, WHISPER_SUMMARY_MAX_CHARS))} Connecting you now.`
  );
}

/** Ends the text with one full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
