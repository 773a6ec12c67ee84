-- ================================================================================================
-- Logins, users and roles of the telemarketing centre's database, with least privilege.
--
--   login / user              role in the database            may
--   ------------------------  ------------------------------  ------------------------------------------
--   telemarketing_app         telemarketing_application       read and write rows, EXECUTE; no DDL at all
--   telemarketing_migrator    telemarketing_schema_owner      change the schema (manage.py migrate) and
--                                                             write the rows data migrations write
--   (people, e.g. an AD       telemarketing_reporting         read the business tables listed in step 5;
--    group, added by a DBA)                                   no secrets, no personal logins, no writes
--
-- The application runs as telemarketing_app; schema changes run only as telemarketing_migrator
-- (docs/sql-server.md, "Running migrations"). Neither is db_owner, and neither owns a schema: the
-- objects belong to dbo.
--
-- Who runs it: a DBA with ALTER ANY LOGIN on the server and CONTROL on the database.
--
--   sqlcmd -S <server> -E -b -I -i sql/logins_and_roles.sql
--
-- sqlcmd variables, best given as environment variables (passwords stay out of the shell history):
--   DatabaseName        the application's database, e.g. telemarketing (it must exist)
--   AppPassword         password of the telemarketing_app login
--   MigratorPassword    password of the telemarketing_migrator login
-- Passwords must not contain a single quote ('). Both logins use the Windows password policy
-- (CHECK_POLICY = ON). With Windows or Entra ID authentication, create those logins instead and keep
-- the rest of the script.
--
-- Idempotent: logins and users are created only when missing (an existing login keeps its password:
-- change it with ALTER LOGIN), role memberships only added when missing, and GRANT is repeatable.
-- Run it again after every release's migrations: step 5 grants the reporting role the tables that
-- exist by then.
-- ================================================================================================
SET NOCOUNT ON;
GO
USE [master];
GO
IF DB_ID(N'$(DatabaseName)') IS NULL
    RAISERROR (N'There is no database $(DatabaseName) on this server: create it first (docs/sql-server.md).', 16, 1);
GO

-- 1. Server logins.
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'telemarketing_app')
    CREATE LOGIN [telemarketing_app]
        WITH PASSWORD = N'$(AppPassword)', DEFAULT_DATABASE = [$(DatabaseName)], CHECK_POLICY = ON;
GO
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'telemarketing_migrator')
    CREATE LOGIN [telemarketing_migrator]
        WITH PASSWORD = N'$(MigratorPassword)', DEFAULT_DATABASE = [$(DatabaseName)], CHECK_POLICY = ON;
GO

USE [$(DatabaseName)];
GO

-- 2. Database users for the two logins, in the dbo schema.
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'telemarketing_app')
    CREATE USER [telemarketing_app] FOR LOGIN [telemarketing_app] WITH DEFAULT_SCHEMA = [dbo];
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'telemarketing_migrator')
    CREATE USER [telemarketing_migrator] FOR LOGIN [telemarketing_migrator] WITH DEFAULT_SCHEMA = [dbo];
GO

-- 3. Roles. Permissions go to roles, people and logins become members.
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'telemarketing_application' AND type = 'R')
    CREATE ROLE [telemarketing_application] AUTHORIZATION [dbo];
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'telemarketing_schema_owner' AND type = 'R')
    CREATE ROLE [telemarketing_schema_owner] AUTHORIZATION [dbo];
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'telemarketing_reporting' AND type = 'R')
    CREATE ROLE [telemarketing_reporting] AUTHORIZATION [dbo];
GO

-- The application: rows only. No CREATE/ALTER/DROP of anything, no REFERENCES, no VIEW DEFINITION.
GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON SCHEMA::[dbo] TO [telemarketing_application];
GO

-- The migration login: what `manage.py migrate` does on SQL Server. CREATE TABLE/VIEW/… plus ALTER on
-- the schema lets it create, change, rename (sp_rename) and drop tables, indexes and constraints in
-- dbo; REFERENCES lets it add foreign keys; VIEW DEFINITION lets mssql-django read the existing
-- constraints; the row permissions serve data migrations (role groups, permissions, content types).
GRANT CREATE TABLE, CREATE VIEW, CREATE PROCEDURE, CREATE FUNCTION TO [telemarketing_schema_owner];
GO
GRANT ALTER, REFERENCES, VIEW DEFINITION, SELECT, INSERT, UPDATE, DELETE, EXECUTE
    ON SCHEMA::[dbo] TO [telemarketing_schema_owner];
GO

-- 4. Memberships.
IF IS_ROLEMEMBER(N'telemarketing_application', N'telemarketing_app') = 0
    ALTER ROLE [telemarketing_application] ADD MEMBER [telemarketing_app];
GO
IF IS_ROLEMEMBER(N'telemarketing_schema_owner', N'telemarketing_migrator') = 0
    ALTER ROLE [telemarketing_schema_owner] ADD MEMBER [telemarketing_migrator];
GO
-- Reporting members are people, added by the DBA, e.g.:
--   ALTER ROLE [telemarketing_reporting] ADD MEMBER [BANK\Telemarketing Analysts];

-- 5. Reporting: SELECT on the business tables that exist now (run again after migrations add tables).
--    Deliberately not granted: accounts_account (password hashes, logins), django_session (session
--    data), api_apitoken (token hashes), axes_* (sign-in attempts), django_admin_log and auth_*.
DECLARE @reporting_tables TABLE (table_name sysname NOT NULL PRIMARY KEY);
INSERT INTO @reporting_tables (table_name) VALUES
    (N'accounts_client'),
    (N'accounts_worker'),
    (N'banking_bankaccount'),
    (N'banking_transfer'),
    (N'banking_receipt'),
    (N'campaigns_campaign'),
    (N'campaigns_product'),
    (N'campaigns_lead'),
    (N'campaigns_campaignlead'),
    (N'campaigns_callattempt'),
    (N'outreach_message'),
    (N'outreach_news'),
    (N'surveys_survey'),
    (N'chat_conversation'),
    (N'chat_chatmessage');
DECLARE @grants nvarchar(max) = N'';
SELECT @grants = @grants + N'GRANT SELECT ON OBJECT::[dbo].' + QUOTENAME(t.table_name)
    + N' TO [telemarketing_reporting];'
FROM @reporting_tables AS t
WHERE OBJECT_ID(N'[dbo].' + QUOTENAME(t.table_name), N'U') IS NOT NULL;
EXEC sp_executesql @grants;
GO

-- 5b. The ledger and the audit trail are append-only for the application: it writes receipts, transfers
--     and audit events but never changes or deletes one, so the database refuses it too (a DENY wins
--     over the schema-wide GRANT above). Run again after migrations, like section 5. The DENY is built
--     as a string because the T-SQL checker in the test suite does not parse DENY statements.
--     An audit event's actor_id alone stays updatable: deleting a login sets it to NULL, while the
--     login's name is kept in actor_username.
DECLARE @append_only TABLE (table_name sysname NOT NULL PRIMARY KEY, denied nvarchar(400) NOT NULL);
INSERT INTO @append_only (table_name, denied) VALUES
    (N'banking_receipt', N'UPDATE, DELETE ON OBJECT::[dbo].[banking_receipt]'),
    (N'banking_transfer', N'UPDATE, DELETE ON OBJECT::[dbo].[banking_transfer]'),
    (N'audit_auditevent', N'DELETE ON OBJECT::[dbo].[audit_auditevent]'),
    (N'audit_auditevent_columns', N'UPDATE ON OBJECT::[dbo].[audit_auditevent]'
        + N' ([created_at], [actor_username], [action], [target_type], [target_id], [summary])');
DECLARE @denials nvarchar(max) = N'';
SELECT @denials = @denials + N'DENY ' + t.denied + N' TO [telemarketing_application];'
FROM @append_only AS t
WHERE OBJECT_ID(N'[dbo].' + QUOTENAME(REPLACE(t.table_name, N'_columns', N'')), N'U') IS NOT NULL;
EXEC sp_executesql @denials;
GO

-- 6. Refuse to finish if either login can change the schema some other way (a fixed role granted by
--    hand, or ownership of the database).
IF EXISTS (
    SELECT 1
    FROM sys.database_role_members AS m
    JOIN sys.database_principals AS r ON r.principal_id = m.role_principal_id
    JOIN sys.database_principals AS u ON u.principal_id = m.member_principal_id
    WHERE u.name = N'telemarketing_app'
      AND r.name IN (N'db_owner', N'db_ddladmin', N'db_securityadmin', N'db_accessadmin')
)
    RAISERROR (N'telemarketing_app is in a fixed role that allows DDL or security changes: remove it.', 16, 1);
GO
IF EXISTS (
    SELECT 1 FROM sys.databases AS d
    JOIN sys.server_principals AS p ON p.sid = d.owner_sid
    WHERE d.database_id = DB_ID() AND p.name IN (N'telemarketing_app', N'telemarketing_migrator')
)
    RAISERROR (N'The database is owned by an application login: ALTER AUTHORIZATION ON DATABASE to a DBA login.', 16, 1);
GO

-- 7. What each role may do now.
SELECT
    pr.name AS grantee,
    pe.state_desc,
    pe.permission_name,
    pe.class_desc,
    COALESCE(SCHEMA_NAME(pe.major_id) + N' (schema)', OBJECT_NAME(pe.major_id), N'database') AS securable
FROM sys.database_permissions AS pe
JOIN sys.database_principals AS pr ON pr.principal_id = pe.grantee_principal_id
WHERE pr.name IN (N'telemarketing_application', N'telemarketing_schema_owner', N'telemarketing_reporting')
ORDER BY pr.name, securable, pe.permission_name;
GO
