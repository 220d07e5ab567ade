CREATE INDEX "contacts_desa_idx" ON "contacts" USING btree ("desa_code");--> statement-breakpoint
CREATE INDEX "contacts_posyandu_idx" ON "contacts" USING btree ("posyandu_id");