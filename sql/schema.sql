-- ====================================================================================================
-- Telemarketing centre of the bank: the SQL Server schema, i.e. the DDL of every Django migration
-- (contrib apps included), in the order `manage.py migrate` applies them.
--
-- GENERATED FILE: DO NOT EDIT BY HAND. Regenerate it after any model or migration change with
--     python manage.py export_tsql
-- It is mssql-django 2.0.0's own SQL (Django 5.2.19) for SQL Server 2022,
-- collected without a server; tests fail when this file no longer matches the migrations.
--
-- The supported way to deploy is `python manage.py migrate` run under the migration login
-- (docs/sql-server.md): it also runs the data migrations (role groups, permissions) marked
-- "THIS OPERATION CANNOT BE WRITTEN AS SQL" below, and records what it applied in django_migrations.
-- Use this file to review a release's schema, to diff two releases, or to build an empty reference
-- database:  sqlcmd -b -I -S <server> -d <database> -i sql/schema.sql
-- (-b stops at the first error; each migration runs in its own transaction, with XACT_ABORT on.)
-- ====================================================================================================
SET XACT_ABORT ON;
GO

-- Migration contenttypes.0001_initial
BEGIN TRANSACTION;
GO
-- Create model ContentType
CREATE TABLE [django_content_type] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(100) NOT NULL, [app_label] nvarchar(100) NOT NULL, [model] nvarchar(100) NOT NULL);
GO
-- Alter unique_together for contenttype (1 constraint(s))
CREATE UNIQUE INDEX [django_content_type_app_label_model_76bd3d3b_uniq] ON [django_content_type] ([app_label], [model]) WHERE [app_label] IS NOT NULL AND [model] IS NOT NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration contenttypes.0002_remove_content_type_name
BEGIN TRANSACTION;
GO
-- Change Meta options on contenttype
-- (no-op)
-- Alter field name on contenttype
ALTER TABLE [django_content_type] ALTER COLUMN [name] nvarchar(100) NULL;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
-- Remove field name from contenttype
ALTER TABLE [django_content_type] DROP COLUMN [name];
GO
COMMIT TRANSACTION;
GO

-- Migration auth.0001_initial
BEGIN TRANSACTION;
GO
-- Create model Permission
CREATE TABLE [auth_permission] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(50) NOT NULL, [content_type_id] int NOT NULL, [codename] nvarchar(100) NOT NULL);
GO
-- Create model Group
CREATE TABLE [auth_group] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(80) NOT NULL UNIQUE);
GO
CREATE TABLE [auth_group_permissions] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [group_id] int NOT NULL, [permission_id] int NOT NULL);
GO
-- Create model User
-- (no-op)
ALTER TABLE [auth_group_permissions] ADD CONSTRAINT [auth_group_permissions_group_id_b120cbf9_fk_auth_group_id] FOREIGN KEY ([group_id]) REFERENCES [auth_group] ([id]);
GO
ALTER TABLE [auth_group_permissions] ADD CONSTRAINT [auth_group_permissions_permission_id_84c5c92e_fk_auth_permission_id] FOREIGN KEY ([permission_id]) REFERENCES [auth_permission] ([id]);
GO
ALTER TABLE [auth_permission] ADD CONSTRAINT [auth_permission_content_type_id_2f476e4b_fk_django_content_type_id] FOREIGN KEY ([content_type_id]) REFERENCES [django_content_type] ([id]);
GO
CREATE INDEX [auth_group_permissions_group_id_b120cbf9] ON [auth_group_permissions] ([group_id]);
GO
CREATE INDEX [auth_group_permissions_permission_id_84c5c92e] ON [auth_group_permissions] ([permission_id]);
GO
CREATE INDEX [auth_permission_content_type_id_2f476e4b] ON [auth_permission] ([content_type_id]);
GO
CREATE UNIQUE INDEX [auth_group_permissions_group_id_permission_id_0cd325b0_uniq] ON [auth_group_permissions] ([group_id], [permission_id]) WHERE [group_id] IS NOT NULL AND [permission_id] IS NOT NULL;
GO
CREATE UNIQUE INDEX [auth_permission_content_type_id_codename_01ab375a_uniq] ON [auth_permission] ([content_type_id], [codename]) WHERE [content_type_id] IS NOT NULL AND [codename] IS NOT NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration auth.0002_alter_permission_name_max_length
BEGIN TRANSACTION;
GO
-- Alter field name on permission
ALTER TABLE [auth_permission] ALTER COLUMN [name] nvarchar(255) NOT NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration auth.0003_alter_user_email_max_length
BEGIN TRANSACTION;
GO
-- Alter field email on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration auth.0004_alter_user_username_opts
BEGIN TRANSACTION;
GO
-- Alter field username on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration auth.0005_alter_user_last_login_null
BEGIN TRANSACTION;
GO
-- Alter field last_login on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration auth.0006_require_contenttypes_0002
BEGIN TRANSACTION;
GO
COMMIT TRANSACTION;
GO

-- Migration auth.0007_alter_validators_add_error_messages
BEGIN TRANSACTION;
GO
-- Alter field username on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration auth.0008_alter_user_username_max_length
BEGIN TRANSACTION;
GO
-- Alter field username on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration auth.0009_alter_user_last_name_max_length
BEGIN TRANSACTION;
GO
-- Alter field last_name on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration auth.0010_alter_group_name_max_length
BEGIN TRANSACTION;
GO
-- Alter field name on group
-- SQL Server named the UNIQUE constraint of [auth_group] (name) itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT k.name FROM sys.key_constraints AS k WHERE k.parent_object_id = OBJECT_ID(N'[auth_group]') AND k.type = 'UQ' AND (SELECT COUNT(*) FROM sys.index_columns AS ic WHERE ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id) = 1 AND NOT EXISTS (SELECT 1 FROM sys.index_columns AS ic WHERE ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id AND COL_NAME(ic.object_id, ic.column_id) NOT IN (N'name')));
IF @constraint_name IS NULL RAISERROR (N'No UNIQUE constraint of [auth_group] (name) to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [auth_group] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
ALTER TABLE [auth_group] ALTER COLUMN [name] nvarchar(150) NOT NULL;
GO
ALTER TABLE [auth_group] ADD CONSTRAINT [auth_group_name_a6ea08ec_uniq] UNIQUE ([name]);
GO
COMMIT TRANSACTION;
GO

-- Migration auth.0011_update_proxy_permissions
BEGIN TRANSACTION;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
COMMIT TRANSACTION;
GO

-- Migration auth.0012_alter_user_first_name_max_length
BEGIN TRANSACTION;
GO
-- Alter field first_name on user
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration accounts.0001_initial
BEGIN TRANSACTION;
GO
-- Create model Client
CREATE TABLE [accounts_client] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [surname] nvarchar(100) NOT NULL, [name] nvarchar(100) NOT NULL, [patronymic] nvarchar(100) NOT NULL, [phone] nvarchar(16) NOT NULL, [sex] nvarchar(1) NOT NULL, [birth_date] date NOT NULL, [email] nvarchar(254) NOT NULL UNIQUE, [preferences] nvarchar(max) NOT NULL, [created_at] datetimeoffset NOT NULL, CONSTRAINT [client_sex_valid] CHECK ([sex] IN ('M', 'F')), CONSTRAINT [client_email_not_empty] CHECK (NOT ([email] = '')), CONSTRAINT [client_phone_e164] CHECK ((REPLACE([phone], ' ', '_') = '' OR ([phone] LIKE '+%' ESCAPE '\' AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE([phone], ' ', '_'), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '+' AND LEN([phone]) >= 8 AND LEN([phone]) <= 16))));
GO
-- Create model Worker
CREATE TABLE [accounts_worker] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [surname] nvarchar(100) NOT NULL, [name] nvarchar(100) NOT NULL, [patronymic] nvarchar(100) NOT NULL, [phone] nvarchar(16) NOT NULL, [position] nvarchar(150) NOT NULL, [email] nvarchar(254) NOT NULL, [hired_on] date NULL, CONSTRAINT [worker_phone_e164] CHECK ((REPLACE([phone], ' ', '_') = '' OR ([phone] LIKE '+%' ESCAPE '\' AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE([phone], ' ', '_'), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '+' AND LEN([phone]) >= 8 AND LEN([phone]) <= 16))));
GO
-- Create model Account
CREATE TABLE [accounts_account] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [password] nvarchar(128) NOT NULL, [last_login] datetimeoffset NULL, [is_superuser] bit NOT NULL, [username] nvarchar(150) NOT NULL UNIQUE, [first_name] nvarchar(150) NOT NULL, [last_name] nvarchar(150) NOT NULL, [email] nvarchar(254) NOT NULL, [is_staff] bit NOT NULL, [is_active] bit NOT NULL, [date_joined] datetimeoffset NOT NULL, [client_id] bigint NULL, [worker_id] bigint NULL, CONSTRAINT [account_client_or_worker_not_both] CHECK (([client_id] IS NULL OR [worker_id] IS NULL)));
GO
CREATE TABLE [accounts_account_groups] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [account_id] bigint NOT NULL, [group_id] int NOT NULL);
GO
CREATE TABLE [accounts_account_user_permissions] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [account_id] bigint NOT NULL, [permission_id] int NOT NULL);
GO
ALTER TABLE [accounts_account] ADD CONSTRAINT [accounts_account_client_id_0eee4856_fk_accounts_client_id] FOREIGN KEY ([client_id]) REFERENCES [accounts_client] ([id]);
GO
ALTER TABLE [accounts_account] ADD CONSTRAINT [accounts_account_worker_id_ed67ddbd_fk_accounts_worker_id] FOREIGN KEY ([worker_id]) REFERENCES [accounts_worker] ([id]);
GO
ALTER TABLE [accounts_account_groups] ADD CONSTRAINT [accounts_account_groups_account_id_52f14852_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [accounts_account_groups] ADD CONSTRAINT [accounts_account_groups_group_id_7c6a6bd1_fk_auth_group_id] FOREIGN KEY ([group_id]) REFERENCES [auth_group] ([id]);
GO
ALTER TABLE [accounts_account_user_permissions] ADD CONSTRAINT [accounts_account_user_permissions_account_id_816f9bde_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [accounts_account_user_permissions] ADD CONSTRAINT [accounts_account_user_permissions_permission_id_24620205_fk_auth_permission_id] FOREIGN KEY ([permission_id]) REFERENCES [auth_permission] ([id]);
GO
CREATE INDEX [accounts_account_client_id_0eee4856] ON [accounts_account] ([client_id]);
GO
CREATE INDEX [accounts_account_groups_account_id_52f14852] ON [accounts_account_groups] ([account_id]);
GO
CREATE INDEX [accounts_account_groups_group_id_7c6a6bd1] ON [accounts_account_groups] ([group_id]);
GO
CREATE INDEX [accounts_account_user_permissions_account_id_816f9bde] ON [accounts_account_user_permissions] ([account_id]);
GO
CREATE INDEX [accounts_account_user_permissions_permission_id_24620205] ON [accounts_account_user_permissions] ([permission_id]);
GO
CREATE INDEX [accounts_account_worker_id_ed67ddbd] ON [accounts_account] ([worker_id]);
GO
CREATE UNIQUE INDEX [accounts_account_groups_account_id_group_id_f64165b0_uniq] ON [accounts_account_groups] ([account_id], [group_id]) WHERE [account_id] IS NOT NULL AND [group_id] IS NOT NULL;
GO
CREATE UNIQUE INDEX [accounts_account_user_permissions_account_id_permission_id_9af93c14_uniq] ON [accounts_account_user_permissions] ([account_id], [permission_id]) WHERE [account_id] IS NOT NULL AND [permission_id] IS NOT NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration accounts.0002_role_groups
BEGIN TRANSACTION;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
COMMIT TRANSACTION;
GO

-- Migration accounts.0003_worker_sex_birth_date_salary
BEGIN TRANSACTION;
GO
-- Change Meta options on worker
-- (no-op)
-- Add field birth_date to worker
ALTER TABLE [accounts_worker] ADD [birth_date] date NULL;
GO
-- Add field salary to worker
ALTER TABLE [accounts_worker] ADD [salary] numeric(18, 2) NULL;
GO
-- Add field sex to worker
ALTER TABLE [accounts_worker] ADD [sex] nvarchar(1) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [accounts_worker].[sex] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[accounts_worker]') AND c.name = N'sex');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [accounts_worker].[sex] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [accounts_worker] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Create constraint worker_sex_valid on model worker
ALTER TABLE [accounts_worker] ADD CONSTRAINT [worker_sex_valid] CHECK ([sex] IN ('M', 'F', ''));
GO
-- Create constraint worker_birth_date_plausible on model worker
ALTER TABLE [accounts_worker] ADD CONSTRAINT [worker_birth_date_plausible] CHECK (([birth_date] IS NULL OR [birth_date] >= '1900-01-01'));
GO
-- Create constraint worker_born_before_hired on model worker
ALTER TABLE [accounts_worker] ADD CONSTRAINT [worker_born_before_hired] CHECK (([birth_date] IS NULL OR [hired_on] IS NULL OR [birth_date] < ([hired_on])));
GO
-- Create constraint worker_salary_not_negative on model worker
ALTER TABLE [accounts_worker] ADD CONSTRAINT [worker_salary_not_negative] CHECK (([salary] IS NULL OR [salary] >= 0));
GO
COMMIT TRANSACTION;
GO

-- Migration admin.0001_initial
BEGIN TRANSACTION;
GO
-- Create model LogEntry
CREATE TABLE [django_admin_log] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [action_time] datetimeoffset NOT NULL, [object_id] nvarchar(max) NULL, [object_repr] nvarchar(200) NOT NULL, [action_flag] smallint NOT NULL CONSTRAINT django_admin_log_action_flag_a8637d59_check CHECK ([action_flag] >= 0), [change_message] nvarchar(max) NOT NULL, [content_type_id] int NULL, [user_id] bigint NOT NULL);
GO
ALTER TABLE [django_admin_log] ADD CONSTRAINT [django_admin_log_content_type_id_c4bce8eb_fk_django_content_type_id] FOREIGN KEY ([content_type_id]) REFERENCES [django_content_type] ([id]);
GO
ALTER TABLE [django_admin_log] ADD CONSTRAINT [django_admin_log_user_id_c564eba6_fk_accounts_account_id] FOREIGN KEY ([user_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [django_admin_log_content_type_id_c4bce8eb] ON [django_admin_log] ([content_type_id]);
GO
CREATE INDEX [django_admin_log_user_id_c564eba6] ON [django_admin_log] ([user_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration admin.0002_logentry_remove_auto_add
BEGIN TRANSACTION;
GO
-- Alter field action_time on logentry
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration admin.0003_logentry_add_action_flag_choices
BEGIN TRANSACTION;
GO
-- Alter field action_flag on logentry
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration api.0001_initial
BEGIN TRANSACTION;
GO
-- Create model ApiToken
CREATE TABLE [api_apitoken] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [key_hash] nvarchar(64) NOT NULL UNIQUE, [created_at] datetimeoffset NOT NULL, [expires_at] datetimeoffset NOT NULL, [revoked_at] datetimeoffset NULL, [last_used_at] datetimeoffset NULL, [user_agent] nvarchar(200) NOT NULL, [account_id] bigint NOT NULL, CONSTRAINT [api_token_hash_is_sha256] CHECK (LEN([key_hash]) = 64), CONSTRAINT [api_token_expires_after_creation] CHECK ([expires_at] > ([created_at])));
GO
ALTER TABLE [api_apitoken] ADD CONSTRAINT [api_apitoken_account_id_44398e0b_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [api_apitoken_account_id_44398e0b] ON [api_apitoken] ([account_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration audit.0001_initial
BEGIN TRANSACTION;
GO
-- Create model AuditEvent
CREATE TABLE [audit_auditevent] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [created_at] datetimeoffset NOT NULL, [actor_username] nvarchar(150) NOT NULL, [action] nvarchar(32) NOT NULL, [target_type] nvarchar(100) NOT NULL, [target_id] nvarchar(64) NOT NULL, [summary] nvarchar(500) NOT NULL, [actor_id] bigint NULL, CONSTRAINT [audit_event_action_valid] CHECK ([action] IN ('admin.add', 'admin.change', 'admin.delete', 'payment', 'campaign.transition', 'lead.outcome', 'news.publish', 'news.change', 'lead.state', 'lead.release', 'message.compose', 'message.status', 'chat.close', 'chat.reassign', 'bank_account.close', 'outreach.opt_out', 'sign_in.failed', 'sign_in.locked', 'otp.failed', 'otp.enrolled', 'otp.reset', 'password.changed', 'exchange.rate', 'exchange', 'reversal.propose', 'reversal.decide')));
GO
ALTER TABLE [audit_auditevent] ADD CONSTRAINT [audit_auditevent_actor_id_270bb4b7_fk_accounts_account_id] FOREIGN KEY ([actor_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [audit_auditevent_action_2131bb77] ON [audit_auditevent] ([action]);
GO
CREATE INDEX [audit_auditevent_actor_id_270bb4b7] ON [audit_auditevent] ([actor_id]);
GO
CREATE INDEX [audit_auditevent_created_at_58e81936] ON [audit_auditevent] ([created_at]);
GO
CREATE INDEX [audit_event_target] ON [audit_auditevent] ([target_type], [target_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration audit.0002_consent_actions
BEGIN TRANSACTION;
GO
-- Remove constraint audit_event_action_valid from model auditevent
ALTER TABLE [audit_auditevent] DROP CONSTRAINT [audit_event_action_valid];
GO
-- Alter field action on auditevent
-- (no-op)
-- Create constraint audit_event_action_valid on model auditevent
ALTER TABLE [audit_auditevent] ADD CONSTRAINT [audit_event_action_valid] CHECK ([action] IN ('admin.add', 'admin.change', 'admin.delete', 'payment', 'campaign.transition', 'lead.outcome', 'news.publish', 'news.change', 'lead.state', 'lead.release', 'message.compose', 'message.status', 'chat.close', 'chat.reassign', 'bank_account.close', 'outreach.opt_out', 'sign_in.failed', 'sign_in.locked', 'otp.failed', 'otp.enrolled', 'otp.reset', 'password.changed', 'exchange.rate', 'exchange', 'reversal.propose', 'reversal.decide', 'consent.given', 'consent.withdrawn', 'do_not_call.add'));
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0001_initial
BEGIN TRANSACTION;
GO
-- Create model AccessAttempt
CREATE TABLE [axes_accessattempt] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [user_agent] nvarchar(255) NOT NULL, [ip_address] nvarchar(39) NULL, [username] nvarchar(255) NULL, [trusted] bit NOT NULL, [http_accept] nvarchar(1025) NOT NULL, [path_info] nvarchar(255) NOT NULL, [attempt_time] datetimeoffset NOT NULL, [get_data] nvarchar(max) NOT NULL, [post_data] nvarchar(max) NOT NULL, [failures_since_start] int NOT NULL CONSTRAINT axes_accessattempt_failures_since_start_7154a700_check CHECK ([failures_since_start] >= 0));
GO
-- Create model AccessLog
CREATE TABLE [axes_accesslog] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [user_agent] nvarchar(255) NOT NULL, [ip_address] nvarchar(39) NULL, [username] nvarchar(255) NULL, [trusted] bit NOT NULL, [http_accept] nvarchar(1025) NOT NULL, [path_info] nvarchar(255) NOT NULL, [attempt_time] datetimeoffset NOT NULL, [logout_time] datetimeoffset NULL);
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0002_auto_20151217_2044
BEGIN TRANSACTION;
GO
-- Alter field ip_address on accessattempt
CREATE INDEX [axes_accessattempt_ip_address_10922d9c] ON [axes_accessattempt] ([ip_address]);
GO
-- Alter field trusted on accessattempt
CREATE INDEX [axes_accessattempt_trusted_0eddf52e] ON [axes_accessattempt] ([trusted]);
GO
-- Alter field user_agent on accessattempt
CREATE INDEX [axes_accessattempt_user_agent_ad89678b] ON [axes_accessattempt] ([user_agent]);
GO
-- Alter field username on accessattempt
CREATE INDEX [axes_accessattempt_username_3f2d4ca0] ON [axes_accessattempt] ([username]);
GO
-- Alter field ip_address on accesslog
CREATE INDEX [axes_accesslog_ip_address_86b417e5] ON [axes_accesslog] ([ip_address]);
GO
-- Alter field trusted on accesslog
CREATE INDEX [axes_accesslog_trusted_496c5681] ON [axes_accesslog] ([trusted]);
GO
-- Alter field user_agent on accesslog
CREATE INDEX [axes_accesslog_user_agent_0e659004] ON [axes_accesslog] ([user_agent]);
GO
-- Alter field username on accesslog
CREATE INDEX [axes_accesslog_username_df93064b] ON [axes_accesslog] ([username]);
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0003_auto_20160322_0929
BEGIN TRANSACTION;
GO
-- Alter field failures_since_start on accessattempt
-- (no-op)
-- Alter field get_data on accessattempt
-- (no-op)
-- Alter field http_accept on accessattempt
-- (no-op)
-- Alter field ip_address on accessattempt
-- (no-op)
-- Alter field path_info on accessattempt
-- (no-op)
-- Alter field post_data on accessattempt
-- (no-op)
-- Alter field http_accept on accesslog
-- (no-op)
-- Alter field ip_address on accesslog
-- (no-op)
-- Alter field path_info on accesslog
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration axes.0004_auto_20181024_1538
BEGIN TRANSACTION;
GO
-- Change Meta options on accessattempt
-- (no-op)
-- Change Meta options on accesslog
-- (no-op)
-- Alter field attempt_time on accessattempt
-- (no-op)
-- Alter field user_agent on accessattempt
-- (no-op)
-- Alter field username on accessattempt
-- (no-op)
-- Alter field attempt_time on accesslog
-- (no-op)
-- Alter field logout_time on accesslog
-- (no-op)
-- Alter field user_agent on accesslog
-- (no-op)
-- Alter field username on accesslog
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration axes.0005_remove_accessattempt_trusted
BEGIN TRANSACTION;
GO
-- Remove field trusted from accessattempt
DROP INDEX [axes_accessattempt_trusted_0eddf52e] ON [axes_accessattempt];
GO
ALTER TABLE [axes_accessattempt] DROP COLUMN [trusted];
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0006_remove_accesslog_trusted
BEGIN TRANSACTION;
GO
-- Remove field trusted from accesslog
DROP INDEX [axes_accesslog_trusted_496c5681] ON [axes_accesslog];
GO
ALTER TABLE [axes_accesslog] DROP COLUMN [trusted];
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0007_alter_accessattempt_unique_together
BEGIN TRANSACTION;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
-- Alter unique_together for accessattempt (1 constraint(s))
CREATE UNIQUE INDEX [axes_accessattempt_username_ip_address_user_agent_8ea22282_uniq] ON [axes_accessattempt] ([username], [ip_address], [user_agent]) WHERE [username] IS NOT NULL AND [ip_address] IS NOT NULL AND [user_agent] IS NOT NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0008_accessfailurelog
BEGIN TRANSACTION;
GO
-- Create model AccessFailureLog
CREATE TABLE [axes_accessfailurelog] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [user_agent] nvarchar(255) NOT NULL, [ip_address] nvarchar(39) NULL, [username] nvarchar(255) NULL, [http_accept] nvarchar(1025) NOT NULL, [path_info] nvarchar(255) NOT NULL, [attempt_time] datetimeoffset NOT NULL, [locked_out] bit NOT NULL);
GO
CREATE INDEX [axes_accessfailurelog_ip_address_2e9f5a7f] ON [axes_accessfailurelog] ([ip_address]);
GO
CREATE INDEX [axes_accessfailurelog_user_agent_ea145dda] ON [axes_accessfailurelog] ([user_agent]);
GO
CREATE INDEX [axes_accessfailurelog_username_a8b7e8a4] ON [axes_accessfailurelog] ([username]);
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0009_add_session_hash
BEGIN TRANSACTION;
GO
-- Add field session_hash to accesslog
ALTER TABLE [axes_accesslog] ADD [session_hash] nvarchar(64) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [axes_accesslog].[session_hash] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[axes_accesslog]') AND c.name = N'session_hash');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [axes_accesslog].[session_hash] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [axes_accesslog] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
COMMIT TRANSACTION;
GO

-- Migration axes.0010_accessattemptexpiration
BEGIN TRANSACTION;
GO
-- Create model AccessAttemptExpiration
CREATE TABLE [axes_accessattemptexpiration] ([access_attempt_id] int NOT NULL PRIMARY KEY, [expires_at] datetimeoffset NOT NULL);
GO
ALTER TABLE [axes_accessattemptexpiration] ADD CONSTRAINT [axes_accessattemptexpiration_access_attempt_id_6b73a47a_fk_axes_accessattempt_id] FOREIGN KEY ([access_attempt_id]) REFERENCES [axes_accessattempt] ([id]);
GO
COMMIT TRANSACTION;
GO

-- Migration banking.0001_initial
BEGIN TRANSACTION;
GO
-- Create model BankAccount
CREATE TABLE [banking_bankaccount] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [number] nvarchar(20) NOT NULL UNIQUE, [currency] nvarchar(3) NOT NULL, [balance] numeric(18, 2) NOT NULL, [is_closed] bit NOT NULL, [opened_at] datetimeoffset NOT NULL, [owner_id] bigint NOT NULL);
GO
-- Create model ExchangeRate
CREATE TABLE [banking_exchangerate] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [base] nvarchar(3) NOT NULL, [quote] nvarchar(3) NOT NULL, [buy] numeric(18, 6) NOT NULL, [sell] numeric(18, 6) NOT NULL, [valid_from] datetimeoffset NOT NULL, [created_at] datetimeoffset NOT NULL, [set_by_id] bigint NOT NULL);
GO
-- Create model Transfer
CREATE TABLE [banking_transfer] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [amount] numeric(18, 2) NOT NULL, [comment] nvarchar(200) NOT NULL, [idempotency_key] char(32) NOT NULL, [created_at] datetimeoffset NOT NULL, [initiated_by_id] bigint NOT NULL, [payee_id] bigint NOT NULL, [payer_id] bigint NOT NULL);
GO
-- Create model Reversal
CREATE TABLE [banking_reversal] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [reason] nvarchar(500) NOT NULL, [status] nvarchar(10) NOT NULL, [proposed_at] datetimeoffset NOT NULL, [decided_at] datetimeoffset NULL, [decided_by_id] bigint NULL, [proposed_by_id] bigint NOT NULL, [original_id] bigint NOT NULL UNIQUE, [reversing_transfer_id] bigint NULL);
GO
-- Create model Receipt
CREATE TABLE [banking_receipt] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [kind] nvarchar(6) NOT NULL, [amount] numeric(18, 2) NOT NULL, [balance_after] numeric(18, 2) NOT NULL, [description] nvarchar(255) NOT NULL, [created_at] datetimeoffset NOT NULL, [bank_account_id] bigint NOT NULL, [transfer_id] bigint NULL);
GO
-- Create model Exchange
CREATE TABLE [banking_exchange] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [idempotency_key] char(32) NOT NULL, [created_at] datetimeoffset NOT NULL, [initiated_by_id] bigint NOT NULL, [rate_id] bigint NOT NULL, [bought_leg_id] bigint NOT NULL UNIQUE, [sold_leg_id] bigint NOT NULL UNIQUE);
GO
-- Create constraint bank_account_balance_not_negative on model bankaccount
ALTER TABLE [banking_bankaccount] ADD CONSTRAINT [bank_account_balance_not_negative] CHECK ([balance] >= 0);
GO
-- Create constraint bank_account_currency_iso4217 on model bankaccount
ALTER TABLE [banking_bankaccount] ADD CONSTRAINT [bank_account_currency_iso4217] CHECK ([currency] IN ('RUB', 'USD', 'EUR', 'CNY', 'GBP', 'CHF', 'KZT', 'BYN', 'AED', 'TRY'));
GO
-- Create constraint bank_account_number_length on model bankaccount
ALTER TABLE [banking_bankaccount] ADD CONSTRAINT [bank_account_number_length] CHECK (LEN([number]) = 20);
GO
-- Create constraint exchange_rate_buy_positive on model exchangerate
ALTER TABLE [banking_exchangerate] ADD CONSTRAINT [exchange_rate_buy_positive] CHECK ([buy] > 0);
GO
-- Create constraint exchange_rate_sell_not_below_buy on model exchangerate
ALTER TABLE [banking_exchangerate] ADD CONSTRAINT [exchange_rate_sell_not_below_buy] CHECK ([sell] >= ([buy]));
GO
-- Create constraint exchange_rate_two_currencies on model exchangerate
ALTER TABLE [banking_exchangerate] ADD CONSTRAINT [exchange_rate_two_currencies] CHECK (NOT ([base] = ([quote])));
GO
-- Create constraint exchange_rate_iso4217 on model exchangerate
ALTER TABLE [banking_exchangerate] ADD CONSTRAINT [exchange_rate_iso4217] CHECK (([base] IN ('RUB', 'USD', 'EUR', 'CNY', 'GBP', 'CHF', 'KZT', 'BYN', 'AED', 'TRY') AND [quote] IN ('RUB', 'USD', 'EUR', 'CNY', 'GBP', 'CHF', 'KZT', 'BYN', 'AED', 'TRY')));
GO
-- Create constraint exchange_rate_one_per_moment on model exchangerate
ALTER TABLE [banking_exchangerate] ADD CONSTRAINT [exchange_rate_one_per_moment] UNIQUE ([base], [quote], [valid_from]);
GO
-- Create constraint transfer_amount_positive on model transfer
ALTER TABLE [banking_transfer] ADD CONSTRAINT [transfer_amount_positive] CHECK ([amount] > 0);
GO
-- Create constraint transfer_between_two_accounts on model transfer
ALTER TABLE [banking_transfer] ADD CONSTRAINT [transfer_between_two_accounts] CHECK (NOT ([payer_id] = ([payee_id])));
GO
-- Create constraint transfer_idempotency_key_unique on model transfer
ALTER TABLE [banking_transfer] ADD CONSTRAINT [transfer_idempotency_key_unique] UNIQUE ([initiated_by_id], [idempotency_key]);
GO
-- Create constraint reversal_status_valid on model reversal
ALTER TABLE [banking_reversal] ADD CONSTRAINT [reversal_status_valid] CHECK ([status] IN ('proposed', 'reversed', 'claim'));
GO
-- Create constraint reversal_reason_given on model reversal
ALTER TABLE [banking_reversal] ADD CONSTRAINT [reversal_reason_given] CHECK (NOT ([reason] = ''));
GO
-- Create constraint reversal_checker_not_maker on model reversal
ALTER TABLE [banking_reversal] ADD CONSTRAINT [reversal_checker_not_maker] CHECK (([decided_by_id] IS NULL OR NOT ([decided_by_id] = ([proposed_by_id]) AND [decided_by_id] IS NOT NULL)));
GO
-- Create constraint reversal_decision_consistent on model reversal
ALTER TABLE [banking_reversal] ADD CONSTRAINT [reversal_decision_consistent] CHECK ((([decided_at] IS NULL AND [decided_by_id] IS NULL AND [reversing_transfer_id] IS NULL AND [status] = 'proposed') OR ([decided_at] IS NOT NULL AND [decided_by_id] IS NOT NULL AND [reversing_transfer_id] IS NOT NULL AND [status] = 'reversed') OR ([decided_at] IS NOT NULL AND [decided_by_id] IS NOT NULL AND [reversing_transfer_id] IS NULL AND [status] = 'claim')));
GO
-- Create constraint reversal_one_reversing_transfer on model reversal
CREATE UNIQUE INDEX [reversal_one_reversing_transfer] ON [banking_reversal] ([reversing_transfer_id]) WHERE [reversing_transfer_id] IS NOT NULL;
GO
-- Create index receipt_account_time on field(s) bank_account, created_at of model receipt
CREATE INDEX [receipt_account_time] ON [banking_receipt] ([bank_account_id], [created_at]);
GO
-- Create constraint receipt_amount_positive on model receipt
ALTER TABLE [banking_receipt] ADD CONSTRAINT [receipt_amount_positive] CHECK ([amount] > 0);
GO
-- Create constraint receipt_balance_after_not_negative on model receipt
ALTER TABLE [banking_receipt] ADD CONSTRAINT [receipt_balance_after_not_negative] CHECK ([balance_after] >= 0);
GO
-- Create constraint receipt_kind_valid on model receipt
ALTER TABLE [banking_receipt] ADD CONSTRAINT [receipt_kind_valid] CHECK ([kind] IN ('debit', 'credit'));
GO
-- Create constraint receipt_one_side_per_transfer on model receipt
CREATE UNIQUE INDEX [receipt_one_side_per_transfer] ON [banking_receipt] ([transfer_id], [kind]) WHERE [transfer_id] IS NOT NULL;
GO
-- Create constraint exchange_idempotency_key_unique on model exchange
ALTER TABLE [banking_exchange] ADD CONSTRAINT [exchange_idempotency_key_unique] UNIQUE ([initiated_by_id], [idempotency_key]);
GO
-- Create constraint exchange_two_legs on model exchange
ALTER TABLE [banking_exchange] ADD CONSTRAINT [exchange_two_legs] CHECK (NOT ([sold_leg_id] = ([bought_leg_id])));
GO
ALTER TABLE [banking_bankaccount] ADD CONSTRAINT [banking_bankaccount_owner_id_8eaa393b_fk_accounts_account_id] FOREIGN KEY ([owner_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_exchange] ADD CONSTRAINT [banking_exchange_bought_leg_id_687fa346_fk_banking_transfer_id] FOREIGN KEY ([bought_leg_id]) REFERENCES [banking_transfer] ([id]);
GO
ALTER TABLE [banking_exchange] ADD CONSTRAINT [banking_exchange_initiated_by_id_9008c283_fk_accounts_account_id] FOREIGN KEY ([initiated_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_exchange] ADD CONSTRAINT [banking_exchange_rate_id_3b85fa72_fk_banking_exchangerate_id] FOREIGN KEY ([rate_id]) REFERENCES [banking_exchangerate] ([id]);
GO
ALTER TABLE [banking_exchange] ADD CONSTRAINT [banking_exchange_sold_leg_id_04d7e7e9_fk_banking_transfer_id] FOREIGN KEY ([sold_leg_id]) REFERENCES [banking_transfer] ([id]);
GO
ALTER TABLE [banking_exchangerate] ADD CONSTRAINT [banking_exchangerate_set_by_id_dc98378a_fk_accounts_account_id] FOREIGN KEY ([set_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_receipt] ADD CONSTRAINT [banking_receipt_bank_account_id_35718439_fk_banking_bankaccount_id] FOREIGN KEY ([bank_account_id]) REFERENCES [banking_bankaccount] ([id]);
GO
ALTER TABLE [banking_receipt] ADD CONSTRAINT [banking_receipt_transfer_id_0a2ef370_fk_banking_transfer_id] FOREIGN KEY ([transfer_id]) REFERENCES [banking_transfer] ([id]);
GO
ALTER TABLE [banking_reversal] ADD CONSTRAINT [banking_reversal_decided_by_id_e9d098ed_fk_accounts_account_id] FOREIGN KEY ([decided_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_reversal] ADD CONSTRAINT [banking_reversal_original_id_9ea13abf_fk_banking_transfer_id] FOREIGN KEY ([original_id]) REFERENCES [banking_transfer] ([id]);
GO
ALTER TABLE [banking_reversal] ADD CONSTRAINT [banking_reversal_proposed_by_id_1063bef1_fk_accounts_account_id] FOREIGN KEY ([proposed_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_reversal] ADD CONSTRAINT [banking_reversal_reversing_transfer_id_32ee651c_fk_banking_transfer_id] FOREIGN KEY ([reversing_transfer_id]) REFERENCES [banking_transfer] ([id]);
GO
ALTER TABLE [banking_transfer] ADD CONSTRAINT [banking_transfer_initiated_by_id_7b78f3a8_fk_accounts_account_id] FOREIGN KEY ([initiated_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_transfer] ADD CONSTRAINT [banking_transfer_payee_id_625d2ba7_fk_banking_bankaccount_id] FOREIGN KEY ([payee_id]) REFERENCES [banking_bankaccount] ([id]);
GO
ALTER TABLE [banking_transfer] ADD CONSTRAINT [banking_transfer_payer_id_e9e1f796_fk_banking_bankaccount_id] FOREIGN KEY ([payer_id]) REFERENCES [banking_bankaccount] ([id]);
GO
CREATE INDEX [banking_bankaccount_owner_id_8eaa393b] ON [banking_bankaccount] ([owner_id]);
GO
CREATE INDEX [banking_exchange_initiated_by_id_9008c283] ON [banking_exchange] ([initiated_by_id]);
GO
CREATE INDEX [banking_exchange_rate_id_3b85fa72] ON [banking_exchange] ([rate_id]);
GO
CREATE INDEX [banking_exchangerate_set_by_id_dc98378a] ON [banking_exchangerate] ([set_by_id]);
GO
CREATE INDEX [banking_receipt_bank_account_id_35718439] ON [banking_receipt] ([bank_account_id]);
GO
CREATE INDEX [banking_receipt_transfer_id_0a2ef370] ON [banking_receipt] ([transfer_id]);
GO
CREATE INDEX [banking_reversal_decided_by_id_e9d098ed] ON [banking_reversal] ([decided_by_id]);
GO
CREATE INDEX [banking_reversal_proposed_by_id_1063bef1] ON [banking_reversal] ([proposed_by_id]);
GO
CREATE INDEX [banking_reversal_reversing_transfer_id_32ee651c] ON [banking_reversal] ([reversing_transfer_id]);
GO
CREATE INDEX [banking_transfer_created_at_b44603ef] ON [banking_transfer] ([created_at]);
GO
CREATE INDEX [banking_transfer_initiated_by_id_7b78f3a8] ON [banking_transfer] ([initiated_by_id]);
GO
CREATE INDEX [banking_transfer_payee_id_625d2ba7] ON [banking_transfer] ([payee_id]);
GO
CREATE INDEX [banking_transfer_payer_id_e9e1f796] ON [banking_transfer] ([payer_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration banking.0002_bank_account_nickname
BEGIN TRANSACTION;
GO
-- Add field nickname to bankaccount
ALTER TABLE [banking_bankaccount] ADD [nickname] nvarchar(40) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [banking_bankaccount].[nickname] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[banking_bankaccount]') AND c.name = N'nickname');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [banking_bankaccount].[nickname] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [banking_bankaccount] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
COMMIT TRANSACTION;
GO

-- Migration banking.0003_bank_account_kind
BEGIN TRANSACTION;
GO
-- Add field kind to bankaccount
ALTER TABLE [banking_bankaccount] ADD [kind] nvarchar(8) DEFAULT 'current' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [banking_bankaccount].[kind] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[banking_bankaccount]') AND c.name = N'kind');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [banking_bankaccount].[kind] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [banking_bankaccount] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Create constraint bank_account_kind_valid on model bankaccount
ALTER TABLE [banking_bankaccount] ADD CONSTRAINT [bank_account_kind_valid] CHECK ([kind] IN ('current', 'savings', 'card'));
GO
COMMIT TRANSACTION;
GO

-- Migration banking.0004_payment_codes_and_templates
BEGIN TRANSACTION;
GO
-- Create model PaymentChallenge
CREATE TABLE [banking_paymentchallenge] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [amount] numeric(18, 2) NOT NULL, [comment] nvarchar(200) NOT NULL, [idempotency_key] char(32) NOT NULL, [salt] nvarchar(32) NOT NULL, [delivery_key] nvarchar(32) NOT NULL UNIQUE, [expires_at] datetimeoffset NOT NULL, [tries_left] smallint NOT NULL CONSTRAINT banking_paymentchallenge_tries_left_9a34939e_check CHECK ([tries_left] >= 0), [sends] smallint NOT NULL CONSTRAINT banking_paymentchallenge_sends_2faabae8_check CHECK ([sends] >= 0), [confirmed_at] datetimeoffset NULL, [created_at] datetimeoffset NOT NULL, [initiated_by_id] bigint NOT NULL, [payee_id] bigint NOT NULL, [payer_id] bigint NOT NULL, CONSTRAINT [payment_challenge_once] UNIQUE ([initiated_by_id], [idempotency_key]), CONSTRAINT [payment_challenge_amount_positive] CHECK ([amount] > 0), CONSTRAINT [payment_challenge_two_accounts] CHECK (NOT ([payer_id] = ([payee_id]))), CONSTRAINT [payment_challenge_tries] CHECK ([tries_left] <= 3), CONSTRAINT [payment_challenge_sends] CHECK (([sends] >= 1 AND [sends] <= 3)), CONSTRAINT [payment_challenge_salt] CHECK (LEN([salt]) = 32));
GO
-- Create model PaymentPolicy
CREATE TABLE [banking_paymentpolicy] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [scope] nvarchar(10) NOT NULL UNIQUE, [code_threshold] numeric(18, 2) NOT NULL, [changed_at] datetimeoffset NOT NULL, [changed_by_id] bigint NULL, CONSTRAINT [payment_policy_one_row] CHECK ([scope] = 'bank'), CONSTRAINT [payment_policy_threshold_not_negative] CHECK ([code_threshold] >= 0));
GO
-- Create model PaymentTemplate
CREATE TABLE [banking_paymenttemplate] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(60) NOT NULL, [payee] nvarchar(20) NOT NULL, [amount] numeric(18, 2) NOT NULL, [comment] nvarchar(200) NOT NULL, [created_at] datetimeoffset NOT NULL, [owner_id] bigint NOT NULL, [payer_id] bigint NOT NULL, CONSTRAINT [payment_template_name_unique] UNIQUE ([owner_id], [name]), CONSTRAINT [payment_template_amount_positive] CHECK ([amount] > 0), CONSTRAINT [payment_template_named] CHECK (NOT ([name] = '')));
GO
ALTER TABLE [banking_paymentchallenge] ADD CONSTRAINT [banking_paymentchallenge_initiated_by_id_fc40a994_fk_accounts_account_id] FOREIGN KEY ([initiated_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_paymentchallenge] ADD CONSTRAINT [banking_paymentchallenge_payee_id_4ba474db_fk_banking_bankaccount_id] FOREIGN KEY ([payee_id]) REFERENCES [banking_bankaccount] ([id]);
GO
ALTER TABLE [banking_paymentchallenge] ADD CONSTRAINT [banking_paymentchallenge_payer_id_5334d7c8_fk_banking_bankaccount_id] FOREIGN KEY ([payer_id]) REFERENCES [banking_bankaccount] ([id]);
GO
ALTER TABLE [banking_paymentpolicy] ADD CONSTRAINT [banking_paymentpolicy_changed_by_id_ec45d5b4_fk_accounts_account_id] FOREIGN KEY ([changed_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_paymenttemplate] ADD CONSTRAINT [banking_paymenttemplate_owner_id_4db55cf8_fk_accounts_account_id] FOREIGN KEY ([owner_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [banking_paymenttemplate] ADD CONSTRAINT [banking_paymenttemplate_payer_id_d217f022_fk_banking_bankaccount_id] FOREIGN KEY ([payer_id]) REFERENCES [banking_bankaccount] ([id]);
GO
CREATE INDEX [banking_paymentchallenge_initiated_by_id_fc40a994] ON [banking_paymentchallenge] ([initiated_by_id]);
GO
CREATE INDEX [banking_paymentchallenge_payee_id_4ba474db] ON [banking_paymentchallenge] ([payee_id]);
GO
CREATE INDEX [banking_paymentchallenge_payer_id_5334d7c8] ON [banking_paymentchallenge] ([payer_id]);
GO
CREATE INDEX [banking_paymentpolicy_changed_by_id_ec45d5b4] ON [banking_paymentpolicy] ([changed_by_id]);
GO
CREATE INDEX [banking_paymenttemplate_owner_id_4db55cf8] ON [banking_paymenttemplate] ([owner_id]);
GO
CREATE INDEX [banking_paymenttemplate_payer_id_d217f022] ON [banking_paymenttemplate] ([payer_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration campaigns.0001_initial
BEGIN TRANSACTION;
GO
-- Create model PauseReason
CREATE TABLE [campaigns_pausereason] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(100) NOT NULL UNIQUE, [position] smallint NOT NULL CONSTRAINT campaigns_pausereason_position_56e4db11_check CHECK ([position] >= 0));
GO
-- Create model Campaign
CREATE TABLE [campaigns_campaign] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(200) NOT NULL, [description] nvarchar(max) NOT NULL, [script] nvarchar(max) NOT NULL, [status] nvarchar(10) NOT NULL, [started_at] datetimeoffset NULL, [ended_at] datetimeoffset NULL, [base_amount] numeric(18, 2) NOT NULL, [budget] numeric(18, 2) NOT NULL, [created_at] datetimeoffset NOT NULL, [weekday_from] time NOT NULL, [weekday_until] time NOT NULL, [weekend_from] time NOT NULL, [weekend_until] time NOT NULL, [responsible_id] bigint NOT NULL);
GO
-- Create model CampaignLead
CREATE TABLE [campaigns_campaignlead] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [state] nvarchar(15) NOT NULL, [callback_at] datetimeoffset NULL, [held_since] datetimeoffset NULL, [note] nvarchar(max) NOT NULL, [attempts] smallint NOT NULL CONSTRAINT campaigns_campaignlead_attempts_1c601e2e_check CHECK ([attempts] >= 0), [utc_offset_min] smallint NOT NULL, [utc_offset_max] smallint NOT NULL, [updated_at] datetimeoffset NOT NULL, [campaign_id] bigint NOT NULL, [held_by_id] bigint NULL);
GO
-- Create model Disposition
CREATE TABLE [campaigns_disposition] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [code] nvarchar(30) NOT NULL, [name] nvarchar(100) NOT NULL, [lead_state] nvarchar(15) NOT NULL, [reached] bit NOT NULL, [recycle_after] bigint NULL, [max_attempts] smallint NULL CONSTRAINT campaigns_disposition_max_attempts_e1d17fb5_check CHECK ([max_attempts] >= 0), [hotkey] nvarchar(1) NOT NULL, [position] smallint NOT NULL CONSTRAINT campaigns_disposition_position_7338cb85_check CHECK ([position] >= 0), [campaign_id] bigint NULL);
GO
-- Create model CallAttempt
CREATE TABLE [campaigns_callattempt] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [outcome] nvarchar(15) NOT NULL, [note] nvarchar(max) NOT NULL, [callback_at] datetimeoffset NULL, [called_at] datetimeoffset NOT NULL, [agent_id] bigint NOT NULL, [campaign_lead_id] bigint NOT NULL, [disposition_id] bigint NULL);
GO
-- Create model Lead
CREATE TABLE [campaigns_lead] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [surname] nvarchar(100) NOT NULL, [name] nvarchar(100) NOT NULL, [patronymic] nvarchar(100) NOT NULL, [phone] nvarchar(16) NOT NULL UNIQUE, [email] nvarchar(254) NOT NULL, [source] nvarchar(100) NOT NULL, [time_zone] nvarchar(40) NOT NULL, [created_at] datetimeoffset NOT NULL, [client_id] bigint NULL);
GO
-- Add field lead to campaignlead
ALTER TABLE [campaigns_campaignlead] ADD [lead_id] bigint NOT NULL;
GO
-- Add field leads to campaign
-- (no-op)
-- Create model AgentStateSpan
CREATE TABLE [campaigns_agentstatespan] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [state] nvarchar(10) NOT NULL, [started_at] datetimeoffset NOT NULL, [ended_at] datetimeoffset NULL, [agent_id] bigint NOT NULL, [campaign_id] bigint NULL, [reason_id] bigint NULL);
GO
-- Create model Product
CREATE TABLE [campaigns_product] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(200) NOT NULL, [kind] nvarchar(12) NOT NULL, [description] nvarchar(max) NOT NULL, [cost] numeric(18, 2) NOT NULL, [campaign_id] bigint NOT NULL);
GO
-- Create model CallingHoliday
CREATE TABLE [campaigns_callingholiday] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [day] date NOT NULL, [campaign_id] bigint NOT NULL, CONSTRAINT [calling_holiday_unique] UNIQUE ([campaign_id], [day]));
GO
-- Create constraint disposition_code_unique_in_campaign on model disposition
CREATE UNIQUE INDEX [disposition_code_unique_in_campaign] ON [campaigns_disposition] ([campaign_id], [code]) WHERE [campaign_id] IS NOT NULL;
GO
-- Create constraint disposition_system_code_unique on model disposition
CREATE UNIQUE INDEX [disposition_system_code_unique] ON [campaigns_disposition] ([code]) WHERE [campaign_id] IS NULL;
GO
-- Create constraint disposition_lead_state_valid on model disposition
ALTER TABLE [campaigns_disposition] ADD CONSTRAINT [disposition_lead_state_valid] CHECK (([lead_state] IN ('callback', 'interested', 'not_interested', 'converted', 'do_not_call', 'recycle', 'wrong_number', 'unreachable') AND NOT ([lead_state] = 'unreachable')));
GO
-- Create constraint disposition_recycle_rule on model disposition
ALTER TABLE [campaigns_disposition] ADD CONSTRAINT [disposition_recycle_rule] CHECK ((([lead_state] = 'recycle' AND [max_attempts] >= 1 AND [recycle_after] IS NOT NULL) OR (NOT ([lead_state] = 'recycle') AND [max_attempts] IS NULL AND [recycle_after] IS NULL)));
GO
-- Create index call_attempt_lead_time on field(s) campaign_lead, called_at of model callattempt
CREATE INDEX [call_attempt_lead_time] ON [campaigns_callattempt] ([campaign_lead_id], [called_at]);
GO
-- Create constraint call_attempt_outcome_valid on model callattempt
ALTER TABLE [campaigns_callattempt] ADD CONSTRAINT [call_attempt_outcome_valid] CHECK ([outcome] IN ('callback', 'interested', 'not_interested', 'converted', 'do_not_call', 'recycle', 'wrong_number', 'unreachable'));
GO
-- Create constraint call_attempt_callback_has_time on model callattempt
ALTER TABLE [campaigns_callattempt] ADD CONSTRAINT [call_attempt_callback_has_time] CHECK ((NOT ([outcome] = 'callback') OR [callback_at] IS NOT NULL));
GO
-- Create constraint lead_phone_e164 on model lead
ALTER TABLE [campaigns_lead] ADD CONSTRAINT [lead_phone_e164] CHECK (([phone] LIKE '+%' ESCAPE '\' AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE([phone], ' ', '_'), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '+' AND LEN([phone]) >= 8 AND LEN([phone]) <= 16));
GO
-- Create index campaign_lead_queue on field(s) campaign, state, callback_at, id of model campaignlead
CREATE INDEX [campaign_lead_queue] ON [campaigns_campaignlead] ([campaign_id], [state], [callback_at], [id]);
GO
-- Create index campaign_lead_state_lead on field(s) state, lead of model campaignlead
CREATE INDEX [campaign_lead_state_lead] ON [campaigns_campaignlead] ([state], [lead_id]);
GO
-- Create constraint campaign_lead_unique on model campaignlead
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaign_lead_unique] UNIQUE ([campaign_id], [lead_id]);
GO
-- Create constraint campaign_lead_state_valid on model campaignlead
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaign_lead_state_valid] CHECK ([state] IN ('new', 'in_progress', 'callback', 'interested', 'not_interested', 'converted', 'do_not_call', 'recycle', 'wrong_number', 'unreachable'));
GO
-- Create constraint campaign_lead_callback_has_time on model campaignlead
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaign_lead_callback_has_time] CHECK ((NOT ([state] = 'callback') OR [callback_at] IS NOT NULL));
GO
-- Create constraint campaign_lead_hold_has_time on model campaignlead
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaign_lead_hold_has_time] CHECK ((([held_by_id] IS NULL AND [held_since] IS NULL) OR ([held_by_id] IS NOT NULL AND [held_since] IS NOT NULL)));
GO
-- Create constraint campaign_lead_recycle_has_time on model campaignlead
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaign_lead_recycle_has_time] CHECK ((NOT ([state] = 'recycle') OR [callback_at] IS NOT NULL));
GO
-- Create constraint campaign_lead_utc_offsets_ordered on model campaignlead
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaign_lead_utc_offsets_ordered] CHECK ([utc_offset_min] <= ([utc_offset_max]));
GO
-- Create constraint campaign_status_valid on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_status_valid] CHECK ([status] IN ('draft', 'active', 'paused', 'finished'));
GO
-- Create constraint campaign_base_amount_not_negative on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_base_amount_not_negative] CHECK ([base_amount] >= 0);
GO
-- Create constraint campaign_budget_covers_base on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_budget_covers_base] CHECK ([budget] >= ([base_amount]));
GO
-- Create constraint campaign_started_has_start_time on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_started_has_start_time] CHECK (([status] = 'draft' OR [started_at] IS NOT NULL));
GO
-- Create constraint campaign_finished_has_end_time on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_finished_has_end_time] CHECK ((NOT ([status] = 'finished') OR [ended_at] IS NOT NULL));
GO
-- Create constraint campaign_ends_after_start on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_ends_after_start] CHECK (([ended_at] IS NULL OR [ended_at] >= ([started_at])));
GO
-- Create constraint campaign_calling_hours_ordered on model campaign
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaign_calling_hours_ordered] CHECK (([weekday_from] < ([weekday_until]) AND [weekend_from] < ([weekend_until])));
GO
-- Create index agent_state_agent_time on field(s) agent, started_at of model agentstatespan
CREATE INDEX [agent_state_agent_time] ON [campaigns_agentstatespan] ([agent_id], [started_at]);
GO
-- Create constraint agent_state_valid on model agentstatespan
ALTER TABLE [campaigns_agentstatespan] ADD CONSTRAINT [agent_state_valid] CHECK ([state] IN ('ready', 'on_call', 'wrap_up', 'paused'));
GO
-- Create constraint agent_state_pause_has_reason on model agentstatespan
ALTER TABLE [campaigns_agentstatespan] ADD CONSTRAINT [agent_state_pause_has_reason] CHECK ((([reason_id] IS NOT NULL AND [state] = 'paused') OR (NOT ([state] = 'paused') AND [reason_id] IS NULL)));
GO
-- Create constraint agent_state_ends_after_start on model agentstatespan
ALTER TABLE [campaigns_agentstatespan] ADD CONSTRAINT [agent_state_ends_after_start] CHECK (([ended_at] IS NULL OR [ended_at] >= ([started_at])));
GO
-- Create constraint agent_state_one_open on model agentstatespan
CREATE UNIQUE INDEX [agent_state_one_open] ON [campaigns_agentstatespan] ([agent_id]) WHERE [ended_at] IS NULL;
GO
-- Create constraint product_cost_not_negative on model product
ALTER TABLE [campaigns_product] ADD CONSTRAINT [product_cost_not_negative] CHECK ([cost] >= 0);
GO
-- Create constraint product_kind_valid on model product
ALTER TABLE [campaigns_product] ADD CONSTRAINT [product_kind_valid] CHECK ([kind] IN ('deposit', 'loan', 'card', 'mortgage', 'insurance', 'investment'));
GO
ALTER TABLE [campaigns_agentstatespan] ADD CONSTRAINT [campaigns_agentstatespan_agent_id_6c8be492_fk_accounts_account_id] FOREIGN KEY ([agent_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [campaigns_agentstatespan] ADD CONSTRAINT [campaigns_agentstatespan_campaign_id_2b5289be_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
ALTER TABLE [campaigns_agentstatespan] ADD CONSTRAINT [campaigns_agentstatespan_reason_id_2e03d0df_fk_campaigns_pausereason_id] FOREIGN KEY ([reason_id]) REFERENCES [campaigns_pausereason] ([id]);
GO
ALTER TABLE [campaigns_callattempt] ADD CONSTRAINT [campaigns_callattempt_agent_id_6b0c6cf0_fk_accounts_account_id] FOREIGN KEY ([agent_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [campaigns_callattempt] ADD CONSTRAINT [campaigns_callattempt_campaign_lead_id_65f78cd2_fk_campaigns_campaignlead_id] FOREIGN KEY ([campaign_lead_id]) REFERENCES [campaigns_campaignlead] ([id]);
GO
ALTER TABLE [campaigns_callattempt] ADD CONSTRAINT [campaigns_callattempt_disposition_id_5a69820c_fk_campaigns_disposition_id] FOREIGN KEY ([disposition_id]) REFERENCES [campaigns_disposition] ([id]);
GO
ALTER TABLE [campaigns_callingholiday] ADD CONSTRAINT [campaigns_callingholiday_campaign_id_84b69b1f_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
ALTER TABLE [campaigns_campaign] ADD CONSTRAINT [campaigns_campaign_responsible_id_f1b9db04_fk_accounts_worker_id] FOREIGN KEY ([responsible_id]) REFERENCES [accounts_worker] ([id]);
GO
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaigns_campaignlead_campaign_id_0d317bb1_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaigns_campaignlead_held_by_id_f6b4b9dd_fk_accounts_account_id] FOREIGN KEY ([held_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [campaigns_campaignlead] ADD CONSTRAINT [campaigns_campaignlead_lead_id_da40b11d_fk_campaigns_lead_id] FOREIGN KEY ([lead_id]) REFERENCES [campaigns_lead] ([id]);
GO
ALTER TABLE [campaigns_disposition] ADD CONSTRAINT [campaigns_disposition_campaign_id_c6a8d362_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
ALTER TABLE [campaigns_lead] ADD CONSTRAINT [campaigns_lead_client_id_07bcfdf4_fk_accounts_client_id] FOREIGN KEY ([client_id]) REFERENCES [accounts_client] ([id]);
GO
ALTER TABLE [campaigns_product] ADD CONSTRAINT [campaigns_product_campaign_id_b2276eca_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
CREATE INDEX [campaigns_agentstatespan_agent_id_6c8be492] ON [campaigns_agentstatespan] ([agent_id]);
GO
CREATE INDEX [campaigns_agentstatespan_campaign_id_2b5289be] ON [campaigns_agentstatespan] ([campaign_id]);
GO
CREATE INDEX [campaigns_agentstatespan_reason_id_2e03d0df] ON [campaigns_agentstatespan] ([reason_id]);
GO
CREATE INDEX [campaigns_callattempt_agent_id_6b0c6cf0] ON [campaigns_callattempt] ([agent_id]);
GO
CREATE INDEX [campaigns_callattempt_campaign_lead_id_65f78cd2] ON [campaigns_callattempt] ([campaign_lead_id]);
GO
CREATE INDEX [campaigns_callattempt_disposition_id_5a69820c] ON [campaigns_callattempt] ([disposition_id]);
GO
CREATE INDEX [campaigns_callingholiday_campaign_id_84b69b1f] ON [campaigns_callingholiday] ([campaign_id]);
GO
CREATE INDEX [campaigns_campaign_responsible_id_f1b9db04] ON [campaigns_campaign] ([responsible_id]);
GO
CREATE INDEX [campaigns_campaignlead_campaign_id_0d317bb1] ON [campaigns_campaignlead] ([campaign_id]);
GO
CREATE INDEX [campaigns_campaignlead_held_by_id_f6b4b9dd] ON [campaigns_campaignlead] ([held_by_id]);
GO
CREATE INDEX [campaigns_campaignlead_lead_id_da40b11d] ON [campaigns_campaignlead] ([lead_id]);
GO
CREATE INDEX [campaigns_disposition_campaign_id_c6a8d362] ON [campaigns_disposition] ([campaign_id]);
GO
CREATE INDEX [campaigns_disposition_code_e239c3ca] ON [campaigns_disposition] ([code]);
GO
CREATE INDEX [campaigns_lead_client_id_07bcfdf4] ON [campaigns_lead] ([client_id]);
GO
CREATE INDEX [campaigns_product_campaign_id_b2276eca] ON [campaigns_product] ([campaign_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration campaigns.0002_lead_sex_note_product_interest_rate
BEGIN TRANSACTION;
GO
-- Add field note to lead
ALTER TABLE [campaigns_lead] ADD [note] nvarchar(max) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [campaigns_lead].[note] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[campaigns_lead]') AND c.name = N'note');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [campaigns_lead].[note] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [campaigns_lead] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field sex to lead
ALTER TABLE [campaigns_lead] ADD [sex] nvarchar(1) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [campaigns_lead].[sex] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[campaigns_lead]') AND c.name = N'sex');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [campaigns_lead].[sex] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [campaigns_lead] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field interest_rate to product
ALTER TABLE [campaigns_product] ADD [interest_rate] numeric(5, 2) NULL;
GO
-- Create constraint lead_sex_valid on model lead
ALTER TABLE [campaigns_lead] ADD CONSTRAINT [lead_sex_valid] CHECK ([sex] IN ('M', 'F', ''));
GO
-- Create constraint product_interest_rate_range on model product
ALTER TABLE [campaigns_product] ADD CONSTRAINT [product_interest_rate_range] CHECK (([interest_rate] IS NULL OR ([interest_rate] >= 0 AND [interest_rate] <= 100)));
GO
COMMIT TRANSACTION;
GO

-- Migration campaigns.0003_consent_and_do_not_call
BEGIN TRANSACTION;
GO
-- Add field advertising to campaign
ALTER TABLE [campaigns_campaign] ADD [advertising] bit DEFAULT 1 NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [campaigns_campaign].[advertising] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[campaigns_campaign]') AND c.name = N'advertising');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [campaigns_campaign].[advertising] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [campaigns_campaign] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Create model Consent
CREATE TABLE [campaigns_consent] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [channel] nvarchar(10) NOT NULL, [address] nvarchar(254) NOT NULL, [granted_at] datetimeoffset NULL, [source] nvarchar(20) NOT NULL, [evidence] nvarchar(500) NOT NULL, [withdrawn_at] datetimeoffset NULL, [withdrawal_source] nvarchar(20) NOT NULL, [updated_at] datetimeoffset NOT NULL, [client_id] bigint NULL, [recorded_by_id] bigint NULL, CONSTRAINT [consent_once_per_address] UNIQUE ([channel], [address]), CONSTRAINT [consent_channel_valid] CHECK ([channel] IN ('calls', 'sms', 'email')), CONSTRAINT [consent_address_fits_channel] CHECK ((([channel] IN ('calls', 'sms') AND [address] LIKE '+%' ESCAPE '\' AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE([address], ' ', '_'), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '+' AND LEN([address]) >= 8 AND LEN([address]) <= 16) OR ([channel] = 'email' AND [address] LIKE '%@%' ESCAPE '\'))), CONSTRAINT [consent_given_with_evidence] CHECK ((([evidence] = '' AND [granted_at] IS NULL AND [source] = '') OR ([granted_at] IS NOT NULL AND [source] IN ('website', 'call', 'paper', 'back_office', 'unsubscribe_link') AND NOT ([evidence] = '')))), CONSTRAINT [consent_withdrawal_has_source] CHECK ((([withdrawal_source] = '' AND [withdrawn_at] IS NULL) OR ([withdrawal_source] IN ('website', 'call', 'paper', 'back_office', 'unsubscribe_link') AND [withdrawn_at] IS NOT NULL))), CONSTRAINT [consent_given_or_refused] CHECK (([granted_at] IS NOT NULL OR [withdrawn_at] IS NOT NULL)), CONSTRAINT [consent_withdrawn_after_given] CHECK (([granted_at] IS NULL OR [withdrawn_at] IS NULL OR [withdrawn_at] >= ([granted_at]))));
GO
-- Create model DoNotCall
CREATE TABLE [campaigns_donotcall] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [phone] nvarchar(16) NOT NULL UNIQUE, [source] nvarchar(20) NOT NULL, [reason] nvarchar(200) NOT NULL, [added_at] datetimeoffset NOT NULL, [added_by_id] bigint NULL, CONSTRAINT [do_not_call_phone_e164] CHECK (([phone] LIKE '+%' ESCAPE '\' AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE([phone], ' ', '_'), '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = '+' AND LEN([phone]) >= 8 AND LEN([phone]) <= 16)), CONSTRAINT [do_not_call_source_valid] CHECK ([source] IN ('call', 'website', 'back_office')));
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
ALTER TABLE [campaigns_consent] ADD CONSTRAINT [campaigns_consent_client_id_61c1eca5_fk_accounts_client_id] FOREIGN KEY ([client_id]) REFERENCES [accounts_client] ([id]);
GO
ALTER TABLE [campaigns_consent] ADD CONSTRAINT [campaigns_consent_recorded_by_id_7d899d5a_fk_accounts_account_id] FOREIGN KEY ([recorded_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [campaigns_donotcall] ADD CONSTRAINT [campaigns_donotcall_added_by_id_81ef1b69_fk_accounts_account_id] FOREIGN KEY ([added_by_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [campaigns_consent_client_id_61c1eca5] ON [campaigns_consent] ([client_id]);
GO
CREATE INDEX [campaigns_consent_recorded_by_id_7d899d5a] ON [campaigns_consent] ([recorded_by_id]);
GO
CREATE INDEX [campaigns_donotcall_added_by_id_81ef1b69] ON [campaigns_donotcall] ([added_by_id]);
GO
CREATE INDEX [consent_client_channel] ON [campaigns_consent] ([client_id], [channel]);
GO
COMMIT TRANSACTION;
GO

-- Migration campaigns.0004_queue_index_offsets
BEGIN TRANSACTION;
GO
-- Remove index campaign_lead_queue from campaignlead
DROP INDEX [campaign_lead_queue] ON [campaigns_campaignlead];
GO
-- Create index campaign_lead_queue on field(s) campaign, state, callback_at, id, utc_offset_min, utc_offset_max of model campaignlead
CREATE INDEX [campaign_lead_queue] ON [campaigns_campaignlead] ([campaign_id], [state], [callback_at], [id], [utc_offset_min], [utc_offset_max]);
GO
COMMIT TRANSACTION;
GO

-- Migration surveys.0001_initial
BEGIN TRANSACTION;
GO
-- Create model Survey
CREATE TABLE [surveys_survey] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [kind] nvarchar(12) NOT NULL, [text] nvarchar(max) NOT NULL, [suggestions] nvarchar(max) NOT NULL, [rating] smallint NOT NULL CONSTRAINT surveys_survey_rating_24cc08bb_check CHECK ([rating] >= 0), [created_at] datetimeoffset NOT NULL, [source] nvarchar(10) NOT NULL, [client_id] bigint NOT NULL, CONSTRAINT [survey_rating_in_kind_range] CHECK ((([kind] = 'nps' AND [rating] >= 0 AND [rating] <= 10) OR (NOT ([kind] = 'nps') AND [rating] >= 1 AND [rating] <= 5))), CONSTRAINT [survey_kind_valid] CHECK ([kind] IN ('question', 'complaint', 'suggestion', 'thanks', 'chat_rating', 'nps', 'csat')), CONSTRAINT [survey_source_valid] CHECK ([source] IN ('website', 'phone', 'chat', 'desktop')));
GO
ALTER TABLE [surveys_survey] ADD CONSTRAINT [surveys_survey_client_id_61c3d6fd_fk_accounts_client_id] FOREIGN KEY ([client_id]) REFERENCES [accounts_client] ([id]);
GO
CREATE INDEX [survey_kind_time] ON [surveys_survey] ([kind], [created_at]);
GO
CREATE INDEX [surveys_survey_client_id_61c3d6fd] ON [surveys_survey] ([client_id]);
GO
CREATE INDEX [surveys_survey_created_at_271e81ba] ON [surveys_survey] ([created_at]);
GO
COMMIT TRANSACTION;
GO

-- Migration chat.0001_initial
BEGIN TRANSACTION;
GO
-- Create model Conversation
CREATE TABLE [chat_conversation] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [topic] nvarchar(200) NOT NULL, [status] nvarchar(8) NOT NULL, [created_at] datetimeoffset NOT NULL, [claimed_at] datetimeoffset NULL, [closed_at] datetimeoffset NULL, [last_message_seq] int NOT NULL CONSTRAINT chat_conversation_last_message_seq_db1012b4_check CHECK ([last_message_seq] >= 0), [agent_id] bigint NULL, [customer_id] bigint NOT NULL, [rating_id] bigint NULL, [returned_by_id] bigint NULL);
GO
-- Create model ChatMessage
CREATE TABLE [chat_chatmessage] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [client_message_id] nvarchar(64) NOT NULL, [seq] int NOT NULL CONSTRAINT chat_chatmessage_seq_2af9650f_check CHECK ([seq] >= 0), [text] nvarchar(4000) NOT NULL, [created_at] datetimeoffset NOT NULL, [sender_id] bigint NOT NULL, [conversation_id] bigint NOT NULL);
GO
-- Create model ConversationNote
CREATE TABLE [chat_conversationnote] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [text] nvarchar(2000) NOT NULL, [created_at] datetimeoffset NOT NULL, [author_id] bigint NOT NULL, [conversation_id] bigint NOT NULL);
GO
-- Create model SavedReply
CREATE TABLE [chat_savedreply] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [shortcut] nvarchar(32) NOT NULL, [text] nvarchar(4000) NOT NULL, [created_at] datetimeoffset NOT NULL, [owner_id] bigint NULL);
GO
-- Create model AgentSettings
CREATE TABLE [chat_agentsettings] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [availability] nvarchar(6) NOT NULL, [capacity] smallint NOT NULL CONSTRAINT chat_agentsettings_capacity_ff2de639_check CHECK ([capacity] >= 0), [changed_at] datetimeoffset NOT NULL, [agent_id] bigint NOT NULL UNIQUE, CONSTRAINT [chat_agent_availability_valid] CHECK ([availability] IN ('online', 'busy', 'away')), CONSTRAINT [chat_agent_capacity_range] CHECK (([capacity] >= 1 AND [capacity] <= 20)));
GO
-- Create index conversation_queue on field(s) status, created_at of model conversation
CREATE INDEX [conversation_queue] ON [chat_conversation] ([status], [created_at]);
GO
-- Create index conversation_agent_status on field(s) agent, status of model conversation
CREATE INDEX [conversation_agent_status] ON [chat_conversation] ([agent_id], [status]);
GO
-- Create constraint conversation_status_valid on model conversation
ALTER TABLE [chat_conversation] ADD CONSTRAINT [conversation_status_valid] CHECK ([status] IN ('waiting', 'active', 'closed'));
GO
-- Create constraint conversation_active_has_agent on model conversation
ALTER TABLE [chat_conversation] ADD CONSTRAINT [conversation_active_has_agent] CHECK ((NOT ([status] = 'active') OR [agent_id] IS NOT NULL));
GO
-- Create constraint conversation_closed_has_time on model conversation
ALTER TABLE [chat_conversation] ADD CONSTRAINT [conversation_closed_has_time] CHECK ((NOT ([status] = 'closed') OR [closed_at] IS NOT NULL));
GO
-- Create constraint conversation_agent_not_customer on model conversation
ALTER TABLE [chat_conversation] ADD CONSTRAINT [conversation_agent_not_customer] CHECK (NOT ([customer_id] = ([agent_id]) AND [agent_id] IS NOT NULL));
GO
-- Create constraint conversation_rated_when_closed on model conversation
ALTER TABLE [chat_conversation] ADD CONSTRAINT [conversation_rated_when_closed] CHECK (([rating_id] IS NULL OR [status] = 'closed'));
GO
-- Create constraint conversation_rating_once on model conversation
CREATE UNIQUE INDEX [conversation_rating_once] ON [chat_conversation] ([rating_id]) WHERE [rating_id] IS NOT NULL;
GO
-- Create constraint chat_message_sent_once on model chatmessage
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_message_sent_once] UNIQUE ([conversation_id], [sender_id], [client_message_id]);
GO
-- Create constraint chat_message_seq_once on model chatmessage
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_message_seq_once] UNIQUE ([conversation_id], [seq]);
GO
-- Create constraint chat_message_seq_positive on model chatmessage
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_message_seq_positive] CHECK ([seq] >= 1);
GO
-- Create constraint chat_message_not_empty on model chatmessage
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_message_not_empty] CHECK (NOT ([text] = ''));
GO
-- Create constraint chat_note_not_empty on model conversationnote
ALTER TABLE [chat_conversationnote] ADD CONSTRAINT [chat_note_not_empty] CHECK (NOT ([text] = ''));
GO
-- Create constraint saved_reply_team_shortcut_once on model savedreply
CREATE UNIQUE INDEX [saved_reply_team_shortcut_once] ON [chat_savedreply] ([shortcut]) WHERE [owner_id] IS NULL;
GO
-- Create constraint saved_reply_own_shortcut_once on model savedreply
CREATE UNIQUE INDEX [saved_reply_own_shortcut_once] ON [chat_savedreply] ([owner_id], [shortcut]) WHERE [owner_id] IS NOT NULL;
GO
-- Create constraint saved_reply_shortcut_not_empty on model savedreply
ALTER TABLE [chat_savedreply] ADD CONSTRAINT [saved_reply_shortcut_not_empty] CHECK (NOT ([shortcut] = ''));
GO
-- Create constraint saved_reply_text_not_empty on model savedreply
ALTER TABLE [chat_savedreply] ADD CONSTRAINT [saved_reply_text_not_empty] CHECK (NOT ([text] = ''));
GO
ALTER TABLE [chat_agentsettings] ADD CONSTRAINT [chat_agentsettings_agent_id_09d631da_fk_accounts_account_id] FOREIGN KEY ([agent_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_chatmessage_conversation_id_422f787f_fk_chat_conversation_id] FOREIGN KEY ([conversation_id]) REFERENCES [chat_conversation] ([id]);
GO
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_chatmessage_sender_id_80753f2b_fk_accounts_account_id] FOREIGN KEY ([sender_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_conversation] ADD CONSTRAINT [chat_conversation_agent_id_3d443dd4_fk_accounts_account_id] FOREIGN KEY ([agent_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_conversation] ADD CONSTRAINT [chat_conversation_customer_id_9b2323d3_fk_accounts_account_id] FOREIGN KEY ([customer_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_conversation] ADD CONSTRAINT [chat_conversation_rating_id_92af7b16_fk_surveys_survey_id] FOREIGN KEY ([rating_id]) REFERENCES [surveys_survey] ([id]);
GO
ALTER TABLE [chat_conversation] ADD CONSTRAINT [chat_conversation_returned_by_id_5522bc52_fk_accounts_account_id] FOREIGN KEY ([returned_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_conversationnote] ADD CONSTRAINT [chat_conversationnote_author_id_5173c891_fk_accounts_account_id] FOREIGN KEY ([author_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_conversationnote] ADD CONSTRAINT [chat_conversationnote_conversation_id_3f5e9479_fk_chat_conversation_id] FOREIGN KEY ([conversation_id]) REFERENCES [chat_conversation] ([id]);
GO
ALTER TABLE [chat_savedreply] ADD CONSTRAINT [chat_savedreply_owner_id_af451ed1_fk_accounts_account_id] FOREIGN KEY ([owner_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [chat_agent_availability] ON [chat_agentsettings] ([availability]);
GO
CREATE INDEX [chat_chatmessage_conversation_id_422f787f] ON [chat_chatmessage] ([conversation_id]);
GO
CREATE INDEX [chat_chatmessage_sender_id_80753f2b] ON [chat_chatmessage] ([sender_id]);
GO
CREATE INDEX [chat_conversation_agent_id_3d443dd4] ON [chat_conversation] ([agent_id]);
GO
CREATE INDEX [chat_conversation_customer_id_9b2323d3] ON [chat_conversation] ([customer_id]);
GO
CREATE INDEX [chat_conversation_rating_id_92af7b16] ON [chat_conversation] ([rating_id]);
GO
CREATE INDEX [chat_conversation_returned_by_id_5522bc52] ON [chat_conversation] ([returned_by_id]);
GO
CREATE INDEX [chat_conversationnote_author_id_5173c891] ON [chat_conversationnote] ([author_id]);
GO
CREATE INDEX [chat_conversationnote_conversation_id_3f5e9479] ON [chat_conversationnote] ([conversation_id]);
GO
CREATE INDEX [chat_savedreply_owner_id_af451ed1] ON [chat_savedreply] ([owner_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration chat.0002_hours_offline_attachments_figures
BEGIN TRANSACTION;
GO
-- Create model BusinessHours
CREATE TABLE [chat_businesshours] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [weekday] smallint NOT NULL UNIQUE, [opens] time NOT NULL, [closes] time NOT NULL);
GO
-- Create model ChatAttachment
CREATE TABLE [chat_chatattachment] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [stored_file] nvarchar(200) NOT NULL, [thumbnail] nvarchar(200) NOT NULL, [content_type] nvarchar(20) NOT NULL, [name] nvarchar(150) NOT NULL, [size] int NOT NULL CONSTRAINT chat_chatattachment_size_9d27abf8_check CHECK ([size] >= 0), [created_at] datetimeoffset NOT NULL);
GO
-- Create model ChatHoliday
CREATE TABLE [chat_chatholiday] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [day] date NOT NULL UNIQUE, [name] nvarchar(100) NOT NULL);
GO
-- Change Meta options on conversation
-- (no-op)
-- Add field contact_name to conversation
ALTER TABLE [chat_conversation] ADD [contact_name] nvarchar(150) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [chat_conversation].[contact_name] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[chat_conversation]') AND c.name = N'contact_name');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [chat_conversation].[contact_name] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [chat_conversation] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field first_response_at to conversation
ALTER TABLE [chat_conversation] ADD [first_response_at] datetimeoffset NULL;
GO
-- Add field reply_email to conversation
ALTER TABLE [chat_conversation] ADD [reply_email] nvarchar(254) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [chat_conversation].[reply_email] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[chat_conversation]') AND c.name = N'reply_email');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [chat_conversation].[reply_email] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [chat_conversation] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Create constraint conversation_reply_email_valid on model conversation
ALTER TABLE [chat_conversation] ADD CONSTRAINT [conversation_reply_email_valid] CHECK (([reply_email] = '' OR [reply_email] LIKE '%@%' ESCAPE '\'));
GO
-- Create constraint chat_hours_weekday_valid on model businesshours
ALTER TABLE [chat_businesshours] ADD CONSTRAINT [chat_hours_weekday_valid] CHECK (([weekday] >= 0 AND [weekday] <= 6));
GO
-- Create constraint chat_hours_open_before_close on model businesshours
ALTER TABLE [chat_businesshours] ADD CONSTRAINT [chat_hours_open_before_close] CHECK ([opens] < ([closes]));
GO
-- Add field conversation to chatattachment
ALTER TABLE [chat_chatattachment] ADD [conversation_id] bigint NOT NULL;
GO
-- Add field uploaded_by to chatattachment
ALTER TABLE [chat_chatattachment] ADD [uploaded_by_id] bigint NOT NULL;
GO
-- Add field attachment to chatmessage
ALTER TABLE [chat_chatmessage] ADD [attachment_id] bigint NULL;
GO
-- Create constraint chat_message_attachment_once on model chatmessage
CREATE UNIQUE INDEX [chat_message_attachment_once] ON [chat_chatmessage] ([attachment_id]) WHERE [attachment_id] IS NOT NULL;
GO
-- Create constraint chat_holiday_named on model chatholiday
ALTER TABLE [chat_chatholiday] ADD CONSTRAINT [chat_holiday_named] CHECK (NOT ([name] = ''));
GO
-- Create constraint chat_attachment_type on model chatattachment
ALTER TABLE [chat_chatattachment] ADD CONSTRAINT [chat_attachment_type] CHECK ([content_type] IN ('image/jpeg', 'image/png', 'application/pdf'));
GO
-- Create constraint chat_attachment_size_range on model chatattachment
ALTER TABLE [chat_chatattachment] ADD CONSTRAINT [chat_attachment_size_range] CHECK (([size] >= 1 AND [size] <= 5242880));
GO
-- Create constraint chat_attachment_named on model chatattachment
ALTER TABLE [chat_chatattachment] ADD CONSTRAINT [chat_attachment_named] CHECK (NOT ([name] = ''));
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
ALTER TABLE [chat_chatattachment] ADD CONSTRAINT [chat_chatattachment_conversation_id_5a49bd38_fk_chat_conversation_id] FOREIGN KEY ([conversation_id]) REFERENCES [chat_conversation] ([id]);
GO
ALTER TABLE [chat_chatattachment] ADD CONSTRAINT [chat_chatattachment_uploaded_by_id_2c38108c_fk_accounts_account_id] FOREIGN KEY ([uploaded_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [chat_chatmessage] ADD CONSTRAINT [chat_chatmessage_attachment_id_aac4fcf1_fk_chat_chatattachment_id] FOREIGN KEY ([attachment_id]) REFERENCES [chat_chatattachment] ([id]);
GO
CREATE INDEX [chat_chatattachment_conversation_id_5a49bd38] ON [chat_chatattachment] ([conversation_id]);
GO
CREATE INDEX [chat_chatattachment_uploaded_by_id_2c38108c] ON [chat_chatattachment] ([uploaded_by_id]);
GO
CREATE INDEX [chat_chatmessage_attachment_id_aac4fcf1] ON [chat_chatmessage] ([attachment_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration core.0001_initial
BEGIN TRANSACTION;
GO
-- Create model ScheduledJob
CREATE TABLE [core_scheduledjob] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(100) NOT NULL UNIQUE, [next_run_at] datetimeoffset NOT NULL, [locked_until] datetimeoffset NULL, [last_started_at] datetimeoffset NULL, [last_finished_at] datetimeoffset NULL, [last_error] nvarchar(500) NOT NULL, [runs] int NOT NULL CONSTRAINT core_scheduledjob_runs_7be52c32_check CHECK ([runs] >= 0));
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0001_initial
BEGIN TRANSACTION;
GO
-- Create model DBTaskResult
CREATE TABLE [django_tasks_database_dbtaskresult] ([id] char(32) NOT NULL PRIMARY KEY, [status] nvarchar(8) NOT NULL, [args_kwargs] nvarchar(max) NOT NULL CONSTRAINT django_tasks_database_dbtaskresult_args_kwargs_47a238ee_check CHECK ((ISJSON ("args_kwargs") = 1)), [priority] smallint NOT NULL CONSTRAINT django_tasks_database_dbtaskresult_priority_5f260db0_check CHECK ([priority] >= 0), [task_path] nvarchar(max) NOT NULL, [queue_name] nvarchar(max) NOT NULL, [backend_name] nvarchar(max) NOT NULL, [run_after] datetimeoffset NULL, [result] nvarchar(max) NULL CONSTRAINT django_tasks_database_dbtaskresult_result_9b4449e7_check CHECK ((ISJSON ("result") = 1)));
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0002_alter_dbtaskresult_options
BEGIN TRANSACTION;
GO
-- Change Meta options on dbtaskresult
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0003_dbtaskresult_enqueued_at_dbtaskresult_finished_at
BEGIN TRANSACTION;
GO
-- Add field enqueued_at to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [enqueued_at] datetimeoffset DEFAULT '2000-01-01 00:00:00+00:00' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [django_tasks_database_dbtaskresult].[enqueued_at] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'enqueued_at');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [django_tasks_database_dbtaskresult].[enqueued_at] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field finished_at to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [finished_at] datetimeoffset NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0004_dbtaskresult_started_at
BEGIN TRANSACTION;
GO
-- Add field started_at to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [started_at] datetimeoffset NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0005_alter_dbtaskresult_priority_and_more
BEGIN TRANSACTION;
GO
-- Alter field priority on dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT [django_tasks_database_dbtaskresult_priority_5f260db0_check];
GO
ALTER TABLE [django_tasks_database_dbtaskresult] ALTER COLUMN [priority] int NOT NULL;
GO
-- Create constraint priority_range on model dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD CONSTRAINT [priority_range] CHECK ([priority] BETWEEN -100 AND 100);
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0006_alter_dbtaskresult_args_kwargs_and_more
BEGIN TRANSACTION;
GO
-- Alter field args_kwargs on dbtaskresult
-- (no-op)
-- Alter field backend_name on dbtaskresult
-- (no-op)
-- Alter field enqueued_at on dbtaskresult
-- (no-op)
-- Alter field finished_at on dbtaskresult
-- (no-op)
-- Alter field priority on dbtaskresult
-- (no-op)
-- Alter field queue_name on dbtaskresult
-- (no-op)
-- Alter field result on dbtaskresult
-- (no-op)
-- Alter field run_after on dbtaskresult
-- (no-op)
-- Alter field started_at on dbtaskresult
-- (no-op)
-- Alter field status on dbtaskresult
-- (no-op)
-- Alter field task_path on dbtaskresult
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0007_add_separate_results_fields
BEGIN TRANSACTION;
GO
-- Add field exception_data to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [exception_data] nvarchar(max) NULL CHECK ((ISJSON ("exception_data") = 1));
GO
-- Add field return_value to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [return_value] nvarchar(max) NULL CHECK ((ISJSON ("return_value") = 1));
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0008_separate_results_field
BEGIN TRANSACTION;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0009_remove_results_field
BEGIN TRANSACTION;
GO
-- Remove field result from dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT [django_tasks_database_dbtaskresult_result_9b4449e7_check];
GO
ALTER TABLE [django_tasks_database_dbtaskresult] DROP COLUMN [result];
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0010_alter_dbtaskresult_status
BEGIN TRANSACTION;
GO
-- Alter field status on dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ALTER COLUMN [status] nvarchar(9) NOT NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0011_rename_complete_status
BEGIN TRANSACTION;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0012_add_separate_exception_fields
BEGIN TRANSACTION;
GO
-- Add field exception_class_path to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [exception_class_path] nvarchar(max) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [django_tasks_database_dbtaskresult].[exception_class_path] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'exception_class_path');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [django_tasks_database_dbtaskresult].[exception_class_path] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field traceback to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [traceback] nvarchar(max) DEFAULT '' NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [django_tasks_database_dbtaskresult].[traceback] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'traceback');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [django_tasks_database_dbtaskresult].[traceback] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0013_separate_exception_fields
BEGIN TRANSACTION;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0014_remove_dbtaskresult_exception_data
BEGIN TRANSACTION;
GO
-- Remove field exception_data from dbtaskresult
-- SQL Server named the CHECK constraint of [django_tasks_database_dbtaskresult].[exception_data] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT k.name FROM sys.check_constraints AS k JOIN sys.columns AS c ON c.object_id = k.parent_object_id AND c.column_id = k.parent_column_id WHERE k.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'exception_data');
IF @constraint_name IS NULL RAISERROR (N'No CHECK constraint of [django_tasks_database_dbtaskresult].[exception_data] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
ALTER TABLE [django_tasks_database_dbtaskresult] DROP COLUMN [exception_data];
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0015_correctly_order_run_after
BEGIN TRANSACTION;
GO
-- Change Meta options on dbtaskresult
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0016_remove_dbtaskresult_django_task_new_ordering_idx_and_more
BEGIN TRANSACTION;
GO
-- Change Meta options on dbtaskresult
-- (no-op)
-- Alter field backend_name on dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ALTER COLUMN [backend_name] nvarchar(32) NOT NULL;
GO
-- Alter field queue_name on dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ALTER COLUMN [queue_name] nvarchar(32) NOT NULL;
GO
-- Alter field run_after on dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD DEFAULT '9999-01-01 00:00:00+00:00' FOR [run_after];
GO
UPDATE [django_tasks_database_dbtaskresult] SET [run_after] = '9999-01-01 00:00:00+00:00' WHERE [run_after] IS NULL;
GO
ALTER TABLE [django_tasks_database_dbtaskresult] ALTER COLUMN [run_after] datetimeoffset NOT NULL;
GO
-- SQL Server named the DEFAULT constraint of [django_tasks_database_dbtaskresult].[run_after] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'run_after');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [django_tasks_database_dbtaskresult].[run_after] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Alter field status on dbtaskresult
-- (no-op)
-- Add field worker_ids to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [worker_ids] nvarchar(max) DEFAULT '[]' NOT NULL CHECK ((ISJSON ("worker_ids") = 1));
GO
-- SQL Server named the DEFAULT constraint of [django_tasks_database_dbtaskresult].[worker_ids] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'worker_ids');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [django_tasks_database_dbtaskresult].[worker_ids] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
-- Create index django_task_new_ordering_idx on F(status), OrderBy(F(priority), descending=True), OrderBy(F(run_after), descending=False) on model dbtaskresult
-- (no-op)
-- Create index django_task_queue_n_99c321_idx on field(s) queue_name of model dbtaskresult
CREATE INDEX [django_task_queue_n_99c321_idx] ON [django_tasks_database_dbtaskresult] ([queue_name]);
GO
-- Create index django_task_backend_071754_idx on field(s) backend_name of model dbtaskresult
CREATE INDEX [django_task_backend_071754_idx] ON [django_tasks_database_dbtaskresult] ([backend_name]);
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0017_dbtaskresult_metadata
BEGIN TRANSACTION;
GO
-- Add field metadata to dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ADD [metadata] nvarchar(max) DEFAULT '{}' NOT NULL CHECK ((ISJSON ("metadata") = 1));
GO
-- SQL Server named the DEFAULT constraint of [django_tasks_database_dbtaskresult].[metadata] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'metadata');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [django_tasks_database_dbtaskresult].[metadata] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0018_rename_succeeded_status
BEGIN TRANSACTION;
GO
-- Alter field status on dbtaskresult
ALTER TABLE [django_tasks_database_dbtaskresult] ALTER COLUMN [status] nvarchar(10) NOT NULL;
GO
-- Raw Python operation
-- THIS OPERATION CANNOT BE WRITTEN AS SQL
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0019_rename_django_task_new_ordering_idx_tasks_db_new_ordering_idx_and_more
BEGIN TRANSACTION;
GO
-- Rename index django_task_new_ordering_idx on dbtaskresult to tasks_db_new_ordering_idx
-- (no-op)
-- Remove field metadata from dbtaskresult
-- SQL Server named the CHECK constraint of [django_tasks_database_dbtaskresult].[metadata] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT k.name FROM sys.check_constraints AS k JOIN sys.columns AS c ON c.object_id = k.parent_object_id AND c.column_id = k.parent_column_id WHERE k.parent_object_id = OBJECT_ID(N'[django_tasks_database_dbtaskresult]') AND c.name = N'metadata');
IF @constraint_name IS NULL RAISERROR (N'No CHECK constraint of [django_tasks_database_dbtaskresult].[metadata] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [django_tasks_database_dbtaskresult] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
ALTER TABLE [django_tasks_database_dbtaskresult] DROP COLUMN [metadata];
GO
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0020_update_db_task_result_ordering
BEGIN TRANSACTION;
GO
-- Change Meta options on dbtaskresult
-- (no-op)
-- Remove index tasks_db_new_ordering_idx from dbtaskresult
-- (no-op)
-- Create index tasks_db_new_ordering_idx on F(status), OrderBy(F(priority), descending=True), OrderBy(F(run_after), descending=False), OrderBy(F(enqueued_at), descending=False) on model dbtaskresult
-- (no-op)
COMMIT TRANSACTION;
GO

-- Migration django_tasks_database.0021_conditional_partial_index_ordering
BEGIN TRANSACTION;
GO
-- Remove index tasks_db_new_ordering_idx from dbtaskresult
-- (no-op)
-- Create index tasks_db_new_ordering_idx on F(status), OrderBy(F(priority), descending=True), OrderBy(F(run_after), descending=False), OrderBy(F(enqueued_at), descending=False) on model dbtaskresult
CREATE INDEX [tasks_db_new_ordering_idx] ON [django_tasks_database_dbtaskresult] ([status], [priority] DESC, [run_after] ASC, [enqueued_at] ASC) WHERE [status] = 'READY';
GO
COMMIT TRANSACTION;
GO

-- Migration otp_static.0001_initial
BEGIN TRANSACTION;
GO
-- Create model StaticDevice
CREATE TABLE [otp_static_staticdevice] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(64) NOT NULL, [confirmed] bit NOT NULL, [user_id] bigint NOT NULL);
GO
-- Create model StaticToken
CREATE TABLE [otp_static_statictoken] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [token] nvarchar(16) NOT NULL, [device_id] int NOT NULL);
GO
ALTER TABLE [otp_static_staticdevice] ADD CONSTRAINT [otp_static_staticdevice_user_id_7f9cff2b_fk_accounts_account_id] FOREIGN KEY ([user_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [otp_static_statictoken] ADD CONSTRAINT [otp_static_statictoken_device_id_74b7c7d1_fk_otp_static_staticdevice_id] FOREIGN KEY ([device_id]) REFERENCES [otp_static_staticdevice] ([id]);
GO
CREATE INDEX [otp_static_staticdevice_user_id_7f9cff2b] ON [otp_static_staticdevice] ([user_id]);
GO
CREATE INDEX [otp_static_statictoken_device_id_74b7c7d1] ON [otp_static_statictoken] ([device_id]);
GO
CREATE INDEX [otp_static_statictoken_token_d0a51866] ON [otp_static_statictoken] ([token]);
GO
COMMIT TRANSACTION;
GO

-- Migration otp_static.0002_throttling
BEGIN TRANSACTION;
GO
-- Add field throttling_failure_count to staticdevice
ALTER TABLE [otp_static_staticdevice] ADD [throttling_failure_count] int DEFAULT 0 NOT NULL CHECK ([throttling_failure_count] >= 0);
GO
-- SQL Server named the DEFAULT constraint of [otp_static_staticdevice].[throttling_failure_count] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[otp_static_staticdevice]') AND c.name = N'throttling_failure_count');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [otp_static_staticdevice].[throttling_failure_count] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [otp_static_staticdevice] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field throttling_failure_timestamp to staticdevice
ALTER TABLE [otp_static_staticdevice] ADD [throttling_failure_timestamp] datetimeoffset NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration otp_static.0003_add_timestamps
BEGIN TRANSACTION;
GO
-- Add field created_at to staticdevice
ALTER TABLE [otp_static_staticdevice] ADD [created_at] datetimeoffset DEFAULT SYSDATETIMEOFFSET() WITH VALUES;
GO
-- SQL Server named the DEFAULT constraint of [otp_static_staticdevice].[created_at] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[otp_static_staticdevice]') AND c.name = N'created_at');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [otp_static_staticdevice].[created_at] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [otp_static_staticdevice] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field last_used_at to staticdevice
ALTER TABLE [otp_static_staticdevice] ADD [last_used_at] datetimeoffset NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration otp_totp.0001_initial
BEGIN TRANSACTION;
GO
-- Create model TOTPDevice
CREATE TABLE [otp_totp_totpdevice] ([id] int NOT NULL PRIMARY KEY IDENTITY (1, 1), [name] nvarchar(64) NOT NULL, [confirmed] bit NOT NULL, [key] nvarchar(80) NOT NULL, [step] smallint NOT NULL CONSTRAINT otp_totp_totpdevice_step_2c08dcfd_check CHECK ([step] >= 0), [t0] bigint NOT NULL, [digits] smallint NOT NULL CONSTRAINT otp_totp_totpdevice_digits_1242f51a_check CHECK ([digits] >= 0), [tolerance] smallint NOT NULL CONSTRAINT otp_totp_totpdevice_tolerance_32427a94_check CHECK ([tolerance] >= 0), [drift] smallint NOT NULL, [last_t] bigint NOT NULL, [user_id] bigint NOT NULL);
GO
ALTER TABLE [otp_totp_totpdevice] ADD CONSTRAINT [otp_totp_totpdevice_user_id_0fb18292_fk_accounts_account_id] FOREIGN KEY ([user_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [otp_totp_totpdevice_user_id_0fb18292] ON [otp_totp_totpdevice] ([user_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration otp_totp.0002_auto_20190420_0723
BEGIN TRANSACTION;
GO
-- Add field throttling_failure_count to totpdevice
ALTER TABLE [otp_totp_totpdevice] ADD [throttling_failure_count] int DEFAULT 0 NOT NULL CHECK ([throttling_failure_count] >= 0);
GO
-- SQL Server named the DEFAULT constraint of [otp_totp_totpdevice].[throttling_failure_count] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[otp_totp_totpdevice]') AND c.name = N'throttling_failure_count');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [otp_totp_totpdevice].[throttling_failure_count] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [otp_totp_totpdevice] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field throttling_failure_timestamp to totpdevice
ALTER TABLE [otp_totp_totpdevice] ADD [throttling_failure_timestamp] datetimeoffset NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration otp_totp.0003_add_timestamps
BEGIN TRANSACTION;
GO
-- Add field created_at to totpdevice
ALTER TABLE [otp_totp_totpdevice] ADD [created_at] datetimeoffset DEFAULT SYSDATETIMEOFFSET() WITH VALUES;
GO
-- SQL Server named the DEFAULT constraint of [otp_totp_totpdevice].[created_at] itself: look the name up, then drop it.
DECLARE @constraint_name sysname = (SELECT d.name FROM sys.default_constraints AS d JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id WHERE d.parent_object_id = OBJECT_ID(N'[otp_totp_totpdevice]') AND c.name = N'created_at');
IF @constraint_name IS NULL RAISERROR (N'No DEFAULT constraint of [otp_totp_totpdevice].[created_at] to drop.', 16, 1);
DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [otp_totp_totpdevice] DROP CONSTRAINT ' + QUOTENAME(@constraint_name);
EXEC sp_executesql @drop_constraint;
GO
-- Add field last_used_at to totpdevice
ALTER TABLE [otp_totp_totpdevice] ADD [last_used_at] datetimeoffset NULL;
GO
COMMIT TRANSACTION;
GO

-- Migration outreach.0001_initial
BEGIN TRANSACTION;
GO
-- Create model Message
CREATE TABLE [outreach_message] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [subject] nvarchar(200) NOT NULL, [body] nvarchar(max) NOT NULL, [status] nvarchar(10) NOT NULL, [created_at] datetimeoffset NOT NULL, [sent_at] datetimeoffset NULL, [read_at] datetimeoffset NULL, [campaign_id] bigint NULL, [client_id] bigint NULL, [lead_id] bigint NULL, [written_by_id] bigint NULL);
GO
-- Create model Delivery
CREATE TABLE [outreach_delivery] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [channel] nvarchar(5) NOT NULL, [address] nvarchar(254) NOT NULL, [status] nvarchar(10) NOT NULL, [attempts] int NOT NULL CONSTRAINT outreach_delivery_attempts_bc3ff830_check CHECK ([attempts] >= 0), [last_error] nvarchar(500) NOT NULL, [idempotency_key] nvarchar(32) NOT NULL UNIQUE, [provider_id] nvarchar(100) NOT NULL, [next_attempt_at] datetimeoffset NOT NULL, [claimed_by] nvarchar(100) NOT NULL, [claimed_until] datetimeoffset NULL, [created_at] datetimeoffset NOT NULL, [sent_at] datetimeoffset NULL, [finished_at] datetimeoffset NULL, [message_id] bigint NOT NULL);
GO
-- Create model News
CREATE TABLE [outreach_news] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [title] nvarchar(200) NOT NULL, [body] nvarchar(max) NOT NULL, [digest] nvarchar(64) NOT NULL, [published_at] datetimeoffset NOT NULL, [withdrawn_at] datetimeoffset NULL, [account_id] bigint NOT NULL);
GO
-- Create model OptOut
CREATE TABLE [outreach_optout] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [source] nvarchar(50) NOT NULL, [created_at] datetimeoffset NOT NULL, [client_id] bigint NULL, [lead_id] bigint NULL);
GO
-- Create constraint message_to_client_or_lead on model message
ALTER TABLE [outreach_message] ADD CONSTRAINT [message_to_client_or_lead] CHECK ((([client_id] IS NOT NULL AND [lead_id] IS NULL) OR ([client_id] IS NULL AND [lead_id] IS NOT NULL)));
GO
-- Create constraint message_status_valid on model message
ALTER TABLE [outreach_message] ADD CONSTRAINT [message_status_valid] CHECK ([status] IN ('await', 'sent', 'delivered', 'read', 'failed'));
GO
-- Create index delivery_due on field(s) status, next_attempt_at of model delivery
CREATE INDEX [delivery_due] ON [outreach_delivery] ([status], [next_attempt_at]);
GO
-- Create constraint delivery_once_per_channel on model delivery
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [delivery_once_per_channel] UNIQUE ([message_id], [channel]);
GO
-- Create constraint delivery_status_valid on model delivery
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [delivery_status_valid] CHECK ([status] IN ('await', 'sending', 'sent', 'delivered', 'failed', 'refused', 'cancelled'));
GO
-- Create constraint delivery_channel_valid on model delivery
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [delivery_channel_valid] CHECK ([channel] IN ('email', 'sms'));
GO
-- Create constraint delivery_sending_is_claimed on model delivery
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [delivery_sending_is_claimed] CHECK ((NOT ([status] = 'sending') OR [claimed_until] IS NOT NULL));
GO
-- Create constraint news_once_per_account on model news
ALTER TABLE [outreach_news] ADD CONSTRAINT [news_once_per_account] UNIQUE ([account_id], [digest]);
GO
-- Create constraint news_digest_is_sha256 on model news
ALTER TABLE [outreach_news] ADD CONSTRAINT [news_digest_is_sha256] CHECK (LEN([digest]) = 64);
GO
-- Create constraint opt_out_client_or_lead on model optout
ALTER TABLE [outreach_optout] ADD CONSTRAINT [opt_out_client_or_lead] CHECK ((([client_id] IS NOT NULL AND [lead_id] IS NULL) OR ([client_id] IS NULL AND [lead_id] IS NOT NULL)));
GO
-- Create constraint opt_out_client_once on model optout
CREATE UNIQUE INDEX [opt_out_client_once] ON [outreach_optout] ([client_id]) WHERE [client_id] IS NOT NULL;
GO
-- Create constraint opt_out_lead_once on model optout
CREATE UNIQUE INDEX [opt_out_lead_once] ON [outreach_optout] ([lead_id]) WHERE [lead_id] IS NOT NULL;
GO
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [outreach_delivery_message_id_2f01b1cb_fk_outreach_message_id] FOREIGN KEY ([message_id]) REFERENCES [outreach_message] ([id]);
GO
ALTER TABLE [outreach_message] ADD CONSTRAINT [outreach_message_campaign_id_66ca2454_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
ALTER TABLE [outreach_message] ADD CONSTRAINT [outreach_message_client_id_4c5bbab1_fk_accounts_client_id] FOREIGN KEY ([client_id]) REFERENCES [accounts_client] ([id]);
GO
ALTER TABLE [outreach_message] ADD CONSTRAINT [outreach_message_lead_id_61740fab_fk_campaigns_lead_id] FOREIGN KEY ([lead_id]) REFERENCES [campaigns_lead] ([id]);
GO
ALTER TABLE [outreach_message] ADD CONSTRAINT [outreach_message_written_by_id_8ca48703_fk_accounts_account_id] FOREIGN KEY ([written_by_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [outreach_news] ADD CONSTRAINT [outreach_news_account_id_5d0a0d83_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [outreach_optout] ADD CONSTRAINT [outreach_optout_client_id_d6d6c2ba_fk_accounts_client_id] FOREIGN KEY ([client_id]) REFERENCES [accounts_client] ([id]);
GO
ALTER TABLE [outreach_optout] ADD CONSTRAINT [outreach_optout_lead_id_4ff70c54_fk_campaigns_lead_id] FOREIGN KEY ([lead_id]) REFERENCES [campaigns_lead] ([id]);
GO
CREATE INDEX [outreach_delivery_message_id_2f01b1cb] ON [outreach_delivery] ([message_id]);
GO
CREATE INDEX [outreach_message_campaign_id_66ca2454] ON [outreach_message] ([campaign_id]);
GO
CREATE INDEX [outreach_message_client_id_4c5bbab1] ON [outreach_message] ([client_id]);
GO
CREATE INDEX [outreach_message_lead_id_61740fab] ON [outreach_message] ([lead_id]);
GO
CREATE INDEX [outreach_message_written_by_id_8ca48703] ON [outreach_message] ([written_by_id]);
GO
CREATE INDEX [outreach_news_account_id_5d0a0d83] ON [outreach_news] ([account_id]);
GO
CREATE INDEX [outreach_optout_client_id_d6d6c2ba] ON [outreach_optout] ([client_id]);
GO
CREATE INDEX [outreach_optout_lead_id_4ff70c54] ON [outreach_optout] ([lead_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration outreach.0002_notifications_scheduled_news
BEGIN TRANSACTION;
GO
-- Create model Notification
CREATE TABLE [outreach_notification] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [kind] nvarchar(10) NOT NULL, [event_key] nvarchar(100) NOT NULL UNIQUE, [subject] nvarchar(200) NOT NULL, [body] nvarchar(max) NOT NULL, [created_at] datetimeoffset NOT NULL);
GO
-- Create model NotificationSettings
CREATE TABLE [outreach_notificationsettings] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [money_arrived] bit NOT NULL, [personal_offers] bit NOT NULL, [chat_answers] bit NOT NULL, [changed_at] datetimeoffset NOT NULL);
GO
-- Create model PasswordResetRequest
CREATE TABLE [outreach_passwordresetrequest] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [address_digest] nvarchar(64) NOT NULL, [ip_address] nvarchar(39) NOT NULL, [created_at] datetimeoffset NOT NULL);
GO
-- Create model ScheduledNews
CREATE TABLE [outreach_schedulednews] ([id] bigint NOT NULL PRIMARY KEY IDENTITY (1, 1), [title] nvarchar(200) NOT NULL, [body] nvarchar(max) NOT NULL, [audience] nvarchar(15) NOT NULL, [publish_at] datetimeoffset NOT NULL, [status] nvarchar(10) NOT NULL, [created_at] datetimeoffset NOT NULL, [published_at] datetimeoffset NULL, [published_to] int NULL CONSTRAINT outreach_schedulednews_published_to_ca9c6211_check CHECK ([published_to] >= 0), [withdrawn_at] datetimeoffset NULL, [last_error] nvarchar(500) NOT NULL);
GO
-- Remove constraint delivery_once_per_channel from model delivery
ALTER TABLE [outreach_delivery] DROP CONSTRAINT [delivery_once_per_channel];
GO
-- Remove constraint delivery_status_valid from model delivery
ALTER TABLE [outreach_delivery] DROP CONSTRAINT [delivery_status_valid];
GO
-- Add field status_checked_at to delivery
ALTER TABLE [outreach_delivery] ADD [status_checked_at] datetimeoffset NULL;
GO
-- Alter field message on delivery
ALTER TABLE [outreach_delivery] DROP CONSTRAINT [outreach_delivery_message_id_2f01b1cb_fk_outreach_message_id];
GO
DROP INDEX [outreach_delivery_message_id_2f01b1cb] ON [outreach_delivery];
GO
ALTER TABLE [outreach_delivery] ALTER COLUMN [message_id] bigint NULL;
GO
CREATE INDEX [outreach_delivery_message_id_2f01b1cb] ON [outreach_delivery] ([message_id]);
GO
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [outreach_delivery_message_id_2f01b1cb_fk_outreach_message_id] FOREIGN KEY ([message_id]) REFERENCES [outreach_message] ([id]);
GO
-- Alter field status on delivery
-- (no-op)
-- Add field account to notification
ALTER TABLE [outreach_notification] ADD [account_id] bigint NOT NULL;
GO
-- Add field notification to delivery
ALTER TABLE [outreach_delivery] ADD [notification_id] bigint NULL;
GO
-- Create constraint delivery_once_per_channel on model delivery
CREATE UNIQUE INDEX [delivery_once_per_channel] ON [outreach_delivery] ([message_id], [channel]) WHERE [message_id] IS NOT NULL;
GO
-- Create constraint delivery_notification_once on model delivery
CREATE UNIQUE INDEX [delivery_notification_once] ON [outreach_delivery] ([notification_id], [channel]) WHERE [notification_id] IS NOT NULL;
GO
-- Create constraint delivery_message_or_notification on model delivery
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [delivery_message_or_notification] CHECK ((([message_id] IS NOT NULL AND [notification_id] IS NULL) OR ([message_id] IS NULL AND [notification_id] IS NOT NULL)));
GO
-- Create constraint delivery_status_valid on model delivery
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [delivery_status_valid] CHECK ([status] IN ('await', 'sending', 'sent', 'delivered', 'failed', 'refused', 'skipped', 'cancelled'));
GO
-- Add field account to notificationsettings
ALTER TABLE [outreach_notificationsettings] ADD [account_id] bigint NOT NULL UNIQUE;
GO
-- Create index reset_by_address on field(s) address_digest, created_at of model passwordresetrequest
CREATE INDEX [reset_by_address] ON [outreach_passwordresetrequest] ([address_digest], [created_at]);
GO
-- Create index reset_by_ip on field(s) ip_address, created_at of model passwordresetrequest
CREATE INDEX [reset_by_ip] ON [outreach_passwordresetrequest] ([ip_address], [created_at]);
GO
-- Add field account to schedulednews
ALTER TABLE [outreach_schedulednews] ADD [account_id] bigint NULL;
GO
-- Add field campaign to schedulednews
ALTER TABLE [outreach_schedulednews] ADD [campaign_id] bigint NULL;
GO
-- Add field scheduled_by to schedulednews
ALTER TABLE [outreach_schedulednews] ADD [scheduled_by_id] bigint NULL;
GO
-- Create constraint notification_kind_valid on model notification
ALTER TABLE [outreach_notification] ADD CONSTRAINT [notification_kind_valid] CHECK ([kind] IN ('money_in', 'chat', 'password'));
GO
-- Create index scheduled_news_due on field(s) status, publish_at of model schedulednews
CREATE INDEX [scheduled_news_due] ON [outreach_schedulednews] ([status], [publish_at]);
GO
-- Create constraint scheduled_news_status on model schedulednews
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [scheduled_news_status] CHECK ([status] IN ('scheduled', 'published', 'withdrawn', 'failed'));
GO
-- Create constraint scheduled_news_audience on model schedulednews
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [scheduled_news_audience] CHECK ((([account_id] IS NOT NULL AND [audience] = 'account' AND [campaign_id] IS NULL) OR ([account_id] IS NULL AND [audience] = 'campaign' AND [campaign_id] IS NOT NULL) OR ([account_id] IS NULL AND [audience] = 'all_customers' AND [campaign_id] IS NULL)));
GO
-- Create constraint scheduled_news_published_at on model schedulednews
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [scheduled_news_published_at] CHECK ((NOT ([status] = 'published') OR [published_at] IS NOT NULL));
GO
-- Create constraint scheduled_news_withdrawn_at on model schedulednews
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [scheduled_news_withdrawn_at] CHECK ((NOT ([status] = 'withdrawn') OR [withdrawn_at] IS NOT NULL));
GO
ALTER TABLE [outreach_delivery] ADD CONSTRAINT [outreach_delivery_notification_id_d35e8ecf_fk_outreach_notification_id] FOREIGN KEY ([notification_id]) REFERENCES [outreach_notification] ([id]);
GO
ALTER TABLE [outreach_notification] ADD CONSTRAINT [outreach_notification_account_id_e2e0a53e_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [outreach_notificationsettings] ADD CONSTRAINT [outreach_notificationsettings_account_id_12f64566_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [outreach_schedulednews_account_id_5d57b8ca_fk_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts_account] ([id]);
GO
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [outreach_schedulednews_campaign_id_a2b358e2_fk_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [campaigns_campaign] ([id]);
GO
ALTER TABLE [outreach_schedulednews] ADD CONSTRAINT [outreach_schedulednews_scheduled_by_id_63bfb5a5_fk_accounts_account_id] FOREIGN KEY ([scheduled_by_id]) REFERENCES [accounts_account] ([id]);
GO
CREATE INDEX [outreach_delivery_notification_id_d35e8ecf] ON [outreach_delivery] ([notification_id]);
GO
CREATE INDEX [outreach_notification_account_id_e2e0a53e] ON [outreach_notification] ([account_id]);
GO
CREATE INDEX [outreach_schedulednews_account_id_5d57b8ca] ON [outreach_schedulednews] ([account_id]);
GO
CREATE INDEX [outreach_schedulednews_campaign_id_a2b358e2] ON [outreach_schedulednews] ([campaign_id]);
GO
CREATE INDEX [outreach_schedulednews_scheduled_by_id_63bfb5a5] ON [outreach_schedulednews] ([scheduled_by_id]);
GO
COMMIT TRANSACTION;
GO

-- Migration sessions.0001_initial
BEGIN TRANSACTION;
GO
-- Create model Session
CREATE TABLE [django_session] ([session_key] nvarchar(40) NOT NULL PRIMARY KEY, [session_data] nvarchar(max) NOT NULL, [expire_date] datetimeoffset NOT NULL);
GO
CREATE INDEX [django_session_expire_date_a5c62663] ON [django_session] ([expire_date]);
GO
COMMIT TRANSACTION;
GO
