import { sql } from 'drizzle-orm';
import { validAgentProfile } from './agent-profile.js';
import type { Database } from './client.js';
import { agentProfiles } from './schema.js';

export const DEMO_AGENT_NUMBER = '+15550001000';
export const DEMO_AGENT_ID = 'maple-dental-reception';

export const DEMO_TOOLS = [
  'lookup_record',
  'find_open_slots',
  'book_appointment',
  'cancel_appointment',
  'create_ticket',
  'get_ticket_status',
  'escalate_to_human',
  'end_call',
];

const INSTRUCTIONS = `You are Riley, the phone receptionist of Maple Street Dental.
Speak briefly and warmly, one or two sentences at a time; this is a phone call.
You can look up the caller's record (their number is known; never ask for it), find open
appointment slots, book and cancel appointments, open support tickets and check their status.
Always confirm the date and time before booking. Never invent availability: use the tools.
If a tool fails, say so plainly and offer another way. If the caller asks for a person, is
upset, or needs something you cannot do, hand over with escalate_to_human. When the caller
is done, say goodbye and use end_call.`;

/** Riley, the clinic's receptionist agent; a re-seed brings its instructions and tools up to date. */
export async function seedDemoAgent(db: Database): Promise<void> {
  await db
    .insert(agentProfiles)
    .values(
      validAgentProfile({
        id: DEMO_AGENT_ID,
        phoneNumber: DEMO_AGENT_NUMBER,
        name: 'Riley (Maple Street Dental reception)',
        instructions: INSTRUCTIONS,
        voice: 'marin',
        greeting: 'Thank you for calling Maple Street Dental, this is Riley. How can I help you today?',
        allowedTools: DEMO_TOOLS,
        escalationQueue: 'front-desk',
        escalationFallback: 'callback',
        turnDetection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 500,
        },
        noiseReduction: 'near_field',
      }),
    )
    .onConflictDoUpdate({
      target: agentProfiles.id,
      set: { instructions: INSTRUCTIONS, allowedTools: DEMO_TOOLS, updatedAt: sql`now()` },
    });
}
