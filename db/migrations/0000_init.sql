CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`deal_id` text,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` text NOT NULL,
	`subject` text NOT NULL,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activities_deal_idx` ON `activities` (`deal_id`,`at`);--> statement-breakpoint
CREATE INDEX `activities_user_idx` ON `activities` (`user_id`,`at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`label` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `churn_events` (
	`id` text PRIMARY KEY NOT NULL,
	`deal_id` text NOT NULL,
	`on` text NOT NULL,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `churn_events_deal_idx` ON `churn_events` (`deal_id`);--> statement-breakpoint
CREATE TABLE `comp_plans` (
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`document` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `credits` (
	`id` text PRIMARY KEY NOT NULL,
	`deal_id` text NOT NULL,
	`user_id` text NOT NULL,
	`share` text NOT NULL,
	`amount` text NOT NULL,
	`closed_at` text NOT NULL,
	`deal_type` text,
	`term_months` integer,
	`counts_toward_quota` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credits_deal_user_uq` ON `credits` (`deal_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `credits_user_idx` ON `credits` (`user_id`,`closed_at`);--> statement-breakpoint
CREATE TABLE `deal_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deal_id` text NOT NULL,
	`at` text NOT NULL,
	`field` text NOT NULL,
	`from_value` text,
	`to_value` text,
	`source` text NOT NULL,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deal_history_deal_idx` ON `deal_history` (`deal_id`,`at`);--> statement-breakpoint
CREATE TABLE `deals` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`owner_id` text NOT NULL,
	`account` text NOT NULL,
	`amount` text NOT NULL,
	`currency` text NOT NULL,
	`stage` text NOT NULL,
	`status` text NOT NULL,
	`probability` text,
	`created_at` text NOT NULL,
	`close_date` text,
	`closed_at` text,
	`deal_type` text,
	`term_months` integer,
	`next_step` text,
	`last_activity_at` text,
	`imported_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deals_owner_idx` ON `deals` (`owner_id`,`status`);--> statement-breakpoint
CREATE INDEX `deals_status_close_idx` ON `deals` (`status`,`close_date`);--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`rows` integer DEFAULT 0 NOT NULL,
	`inserted` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`thread_id` text NOT NULL,
	`user_id` text NOT NULL,
	`seq` integer NOT NULL,
	`message` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`thread_id`, `seq`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `plan_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`plan_version` integer NOT NULL,
	`effective_from` text NOT NULL,
	`effective_to` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`,`plan_version`) REFERENCES `comp_plans`(`id`,`version`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plan_assignments_user_idx` ON `plan_assignments` (`user_id`,`effective_from`);--> statement-breakpoint
CREATE TABLE `quotas` (
	`user_id` text NOT NULL,
	`period_id` text NOT NULL,
	`amount` text NOT NULL,
	PRIMARY KEY(`user_id`, `period_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stages` (
	`name` text PRIMARY KEY NOT NULL,
	`order` integer NOT NULL,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`slack_user_id` text,
	`role` text NOT NULL,
	`manager_id` text,
	`team` text,
	`start_date` text,
	FOREIGN KEY (`manager_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_slack_user_id_unique` ON `users` (`slack_user_id`);--> statement-breakpoint
CREATE INDEX `users_manager_idx` ON `users` (`manager_id`);