-- ================================================================================================
-- Create the telemarketing centre's database with the collation and isolation the code assumes.
--
-- Who runs it: a DBA with CREATE ANY DATABASE (dbcreator), before sql/logins_and_roles.sql.
--
--   sqlcmd -S <server> -E -b -I -i sql/create_database.sql
--
-- It reads one sqlcmd variable (set it as an environment variable, or with -v):
--   DatabaseName   the application's database, e.g. telemarketing
-- Put the files where the bank's layout wants them with ALTER DATABASE … MODIFY FILE afterwards, or
-- create the database yourself with the same COLLATE clause: this script then only checks it.
--
-- Idempotent: it creates the database only if missing, switches READ_COMMITTED_SNAPSHOT on only if
-- off, and fails (-b stops sqlcmd) when an existing database has another collation.
--
-- Collation: Latin1_General_100_CI_AS_SC_UTF8 (docs/sql-server.md, "Collation").
--   CI    e-mail addresses and login names are unique whatever their case (ivan@bank.ru = IVAN@bank.ru)
--   AS    accents and ё/е stay distinct
--   _100  the newer sort weights, which know every Cyrillic letter's case
--   SC    emoji and other supplementary characters in chat count as one character
--   UTF8  varchar columns, should a DBA add any, hold Russian too (the ORM's columns are nvarchar)
-- Changing a database's collation later does not change existing columns: choose it at creation.
-- ================================================================================================
SET NOCOUNT ON;
GO
USE [master];
GO

-- 1. The database, with the collation.
IF DB_ID(N'$(DatabaseName)') IS NULL
    EXEC (N'CREATE DATABASE [$(DatabaseName)] COLLATE Latin1_General_100_CI_AS_SC_UTF8;');
GO

-- 2. The check: an existing database with another collation would make unique e-mails and logins
--    case-sensitive, or sort Russian differently from what the tests assume.
DECLARE @collation sysname = CONVERT(sysname, DATABASEPROPERTYEX(N'$(DatabaseName)', 'Collation'));
IF @collation <> N'Latin1_General_100_CI_AS_SC_UTF8'
    RAISERROR (
        N'Database $(DatabaseName) has the collation %s, not Latin1_General_100_CI_AS_SC_UTF8: create it again (docs/sql-server.md).',
        16, 1, @collation
    );
GO

-- 3. READ COMMITTED reads row versions instead of waiting for writers' locks (docs/sql-server.md,
--    "Isolation"). Switching it on needs no other connection in the database: ROLLBACK IMMEDIATE.
IF EXISTS (SELECT 1 FROM sys.databases WHERE name = N'$(DatabaseName)' AND is_read_committed_snapshot_on = 0)
    EXEC (N'ALTER DATABASE [$(DatabaseName)] SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;');
GO

-- 4. Report.
SELECT name, collation_name, is_read_committed_snapshot_on, snapshot_isolation_state_desc
FROM sys.databases
WHERE name = N'$(DatabaseName)';
GO
