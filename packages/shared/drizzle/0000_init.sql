CREATE TABLE "agent_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"phone_number" text NOT NULL,
	"name" text NOT NULL,
	"instructions" text NOT NULL,
	"voice" text DEFAULT 'alloy' NOT NULL,
	"greeting" text NOT NULL,
	"allowed_tools" text[] DEFAULT '{}'::text[] NOT NULL,
	"escalation_queue" text DEFAULT 'general' NOT NULL,
	"escalation_fallback" text DEFAULT 'callback' NOT NULL,
	"turn_detection" jsonb DEFAULT '{"type":"server_vad"}'::jsonb NOT NULL,
	"noise_reduction" text,
	"transcription_model" text DEFAULT 'gpt-4o-mini-transcribe' NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"tool_filler_after_ms" integer DEFAULT 1500,
	"max_call_seconds" integer DEFAULT 3600 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" serial PRIMARY KEY NOT NULL,
	"slot_id" integer NOT NULL,
	"customer_id" integer,
	"caller_phone" text NOT NULL,
	"reason" text,
	"status" text DEFAULT 'booked' NOT NULL,
	"call_sid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "call_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_latencies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"call_sid" text NOT NULL,
	"kind" text NOT NULL,
	"value_ms" real NOT NULL,
	"item_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_usage" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"call_sid" text NOT NULL,
	"response_id" text NOT NULL,
	"input_text_tokens" integer NOT NULL,
	"input_audio_tokens" integer NOT NULL,
	"input_cached_tokens" integer NOT NULL,
	"output_text_tokens" integer NOT NULL,
	"output_audio_tokens" integer NOT NULL,
	"total_tokens" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"call_sid" text PRIMARY KEY NOT NULL,
	"account_sid" text NOT NULL,
	"from_number" text NOT NULL,
	"to_number" text NOT NULL,
	"agent_id" text,
	"status" text DEFAULT 'ringing' NOT NULL,
	"end_reason" text,
	"started_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"duration_ms" integer,
	"bridge_id" text,
	"stream_sid" text,
	"stream_started_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" serial PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_attempts" (
	"id" serial PRIMARY KEY NOT NULL,
	"escalation_id" text NOT NULL,
	"human_agent_id" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" text PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"agent_id" text NOT NULL,
	"caller" text NOT NULL,
	"queue" text NOT NULL,
	"reason" text NOT NULL,
	"summary" text NOT NULL,
	"priority" text NOT NULL,
	"transcript" jsonb NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"human_agent_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message" text,
	"callback_at" timestamp with time zone,
	"failure_reason" text,
	"requested_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "human_agents" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"queue" text NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"available" boolean DEFAULT false NOT NULL,
	"token_hash" text NOT NULL,
	"current_escalation_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slots" (
	"id" serial PRIMARY KEY NOT NULL,
	"resource" text NOT NULL,
	"service" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" serial PRIMARY KEY NOT NULL,
	"ref" text NOT NULL,
	"customer_id" integer,
	"caller_phone" text NOT NULL,
	"subject" text NOT NULL,
	"description" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"call_sid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_invocations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"tool_call_id" text NOT NULL,
	"name" text NOT NULL,
	"arguments" jsonb,
	"status" text DEFAULT 'running' NOT NULL,
	"result" jsonb,
	"error_code" text,
	"error_message" text,
	"latency_ms" integer,
	"worker_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "transcript_turns" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"item_id" text NOT NULL,
	"role" text NOT NULL,
	"text" text NOT NULL,
	"interrupted" boolean DEFAULT false NOT NULL,
	"heard_ms" integer,
	"started_at" timestamp with time zone,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_slot_id_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_attempts" ADD CONSTRAINT "escalation_attempts_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_human_agent_id_human_agents_id_fk" FOREIGN KEY ("human_agent_id") REFERENCES "public"."human_agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_profiles_phone_number_uq" ON "agent_profiles" USING btree ("phone_number");--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_slot_booked_uq" ON "appointments" USING btree ("slot_id") WHERE "appointments"."status" = 'booked';--> statement-breakpoint
CREATE INDEX "appointments_caller_idx" ON "appointments" USING btree ("caller_phone");--> statement-breakpoint
CREATE INDEX "call_events_call_sid_idx" ON "call_events" USING btree ("call_sid","at");--> statement-breakpoint
CREATE UNIQUE INDEX "call_latencies_event_uq" ON "call_latencies" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "call_latencies_call_idx" ON "call_latencies" USING btree ("call_sid");--> statement-breakpoint
CREATE UNIQUE INDEX "call_usage_event_uq" ON "call_usage" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "call_usage_call_idx" ON "call_usage" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "calls_started_at_idx" ON "calls" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "calls_from_number_idx" ON "calls" USING btree ("from_number");--> statement-breakpoint
CREATE INDEX "calls_to_number_idx" ON "calls" USING btree ("to_number");--> statement-breakpoint
CREATE INDEX "calls_end_reason_idx" ON "calls" USING btree ("end_reason");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_phone_uq" ON "customers" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "escalation_attempts_escalation_idx" ON "escalation_attempts" USING btree ("escalation_id");--> statement-breakpoint
CREATE INDEX "escalations_status_idx" ON "escalations" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "escalations_call_idx" ON "escalations" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "human_agents_queue_idx" ON "human_agents" USING btree ("queue");--> statement-breakpoint
CREATE UNIQUE INDEX "human_agents_current_escalation_uq" ON "human_agents" USING btree ("current_escalation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "human_agents_token_hash_uq" ON "human_agents" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "slots_resource_start_uq" ON "slots" USING btree ("resource","starts_at");--> statement-breakpoint
CREATE INDEX "slots_starts_at_idx" ON "slots" USING btree ("starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_ref_uq" ON "tickets" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "tickets_caller_idx" ON "tickets" USING btree ("caller_phone");--> statement-breakpoint
CREATE UNIQUE INDEX "tool_invocations_call_uq" ON "tool_invocations" USING btree ("call_sid","tool_call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "transcript_turns_item_uq" ON "transcript_turns" USING btree ("call_sid","item_id");--> statement-breakpoint
CREATE INDEX "transcript_turns_call_idx" ON "transcript_turns" USING btree ("call_sid","at");