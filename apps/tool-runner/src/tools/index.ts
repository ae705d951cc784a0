import type { ServableTool } from '@voice/tool-kit';
import { bookAppointmentTool } from './book-appointment.js';
import { cancelAppointmentTool } from './cancel-appointment.js';
import { createTicketTool } from './create-ticket.js';
import type { ToolDeps } from './deps.js';
import { findOpenSlotsTool } from './find-open-slots.js';
import { getTicketStatusTool } from './get-ticket-status.js';
import { lookupRecordTool } from './lookup-record.js';

export type { ToolDeps } from './deps.js';

/** Every tool the tool-runner serves: caller records, scheduling and support tickets. */
export function createTools(deps: ToolDeps): ServableTool[] {
  return [
    lookupRecordTool(deps),
    findOpenSlotsTool(deps),
    bookAppointmentTool(deps),
    cancelAppointmentTool(deps),
    createTicketTool(deps),
    getTicketStatusTool(deps),
  ];
}
