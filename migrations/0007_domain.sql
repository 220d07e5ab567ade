ALTER TABLE "campaign_recipients" DROP CONSTRAINT "campaign_recipients_run_id_campaign_runs_id_fk";
