-- The audit log is append-only: even a bug in the gateway or the CLI cannot
-- rewrite or erase its history. A migration that rebuilds the table (drizzle-kit
-- does that for some ALTERs) drops these triggers with it and must recreate them.
CREATE TRIGGER `audit_no_update` BEFORE UPDATE ON `audit` BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_no_delete` BEFORE DELETE ON `audit` BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
