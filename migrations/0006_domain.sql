CREATE TABLE "whatsapp_safety" (
	"account" text NOT NULL,
	"cause" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"lifts_at" timestamp with time zone NOT NULL,
	CONSTRAINT "whatsapp_safety_account_cause_pk" PRIMARY KEY("account","cause")
);
--> statement-breakpoint
CREATE TABLE "whatsapp_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"lang" text NOT NULL,
	"name" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_templates_kind_lang_uq" UNIQUE("kind","lang")
);
--> statement-breakpoint
ALTER TABLE "campaign_recipients" ADD COLUMN "unknown_outcomes" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attempted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "unknown_outcomes" smallint DEFAULT 0 NOT NULL;