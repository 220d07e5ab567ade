CREATE TABLE "whatsapp_safety" (
	"account" text NOT NULL,
	"cause" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"lifts_at" timestamp with time zone NOT NULL,
	CONSTRAINT "whatsapp_safety_account_cause_pk" PRIMARY KEY("account","cause")
);
