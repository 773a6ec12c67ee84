-- ================================================================================================
-- Transparent Data Encryption (TDE) for the telemarketing centre's database.
--
-- Who runs it: a DBA with CONTROL SERVER (sysadmin), on the production instance, once the database
-- exists (it may be empty or already migrated: TDE encrypts the data files in the background).
--
--   sqlcmd -S <server> -E -b -I -i sql/tde_enable.sql
--
-- It reads five sqlcmd variables. Set them as environment variables, so the passwords stay off the
-- command line and out of the shell history (sqlcmd refuses to run if one is missing):
--   DatabaseName          the application's database, e.g. telemarketing
--   CertificateName       the TDE certificate in master, e.g. telemarketing_tde
--   MasterKeyPassword     protects master's database master key; keep it in the bank's key vault
--   CertificateBackupDir  a directory ON THE SQL SERVER HOST for the certificate backup, e.g.
--                         /var/opt/mssql/backup/tde (Linux) or D:\Backup\TDE (Windows), no trailing slash
--   BackupPassword        protects the backed-up private key; keep it in the bank's key vault
-- Passwords must not contain a single quote (').
--
-- Idempotent: every step first checks whether it is done, so running the script again changes
-- nothing and ends with the same report. Steps:
--   1. master: the database master key (DMK)
--   2. master: the certificate protected by the DMK
--   3. master: a backup of the certificate WITH its private key, taken once, before it protects
--      anything (sys.certificates.pvt_key_last_backup_date). COPY BOTH FILES OFF THE SERVER TO THE KEY
--      VAULT AT ONCE: without them no backup of the encrypted database can ever be restored.
--   4. the database: its database encryption key (AES-256), protected by the certificate
--   5. the database: SET ENCRYPTION ON (the scan runs in the background, online)
--   6. report from sys.dm_database_encryption_keys: encryption_state 3 means encrypted
--      (2 = encryption in progress: run the script again later to see it reach 3)
-- Rotation of the certificate and restoring on another server: docs/sql-server.md.
-- Note for reviewers: BACKUP CERTIFICATE is run through sp_executesql because its file names are
-- built from the variables (and because sqlglot, which the tests use to parse every script, does
-- not parse that statement).
-- ================================================================================================
SET NOCOUNT ON;
GO
USE [master];
GO
IF DB_ID(N'$(DatabaseName)') IS NULL
    RAISERROR (N'There is no database $(DatabaseName) on this server: create it first (docs/sql-server.md).', 16, 1);
GO

-- 1. The database master key of master.
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MasterKeyPassword)';
GO

-- 2. The certificate that protects the database encryption key. TDE keeps working after its
--    EXPIRY_DATE; rotate it yearly all the same (docs/sql-server.md, "Rotating the TDE certificate").
IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'$(CertificateName)')
    CREATE CERTIFICATE [$(CertificateName)]
        WITH SUBJECT = N'TDE certificate of the $(DatabaseName) database',
        EXPIRY_DATE = '2099-12-31';
GO

-- 3. Back the certificate and its private key up, once (file names carry the UTC time).
IF EXISTS (
    SELECT 1 FROM sys.certificates
    WHERE name = N'$(CertificateName)' AND pvt_key_last_backup_date IS NULL
)
BEGIN
    DECLARE @separator nchar(1) = CASE
        WHEN (SELECT TOP 1 host_platform FROM sys.dm_os_host_info) = N'Windows' THEN N'\' ELSE N'/' END;
    DECLARE @stem nvarchar(400) = N'$(CertificateBackupDir)' + @separator + N'$(CertificateName)_'
        + FORMAT(SYSUTCDATETIME(), N'yyyyMMdd_HHmmss');
    DECLARE @backup_certificate nvarchar(max) = N'BACKUP CERTIFICATE ' + QUOTENAME(N'$(CertificateName)')
        + N' TO FILE = N''' + REPLACE(@stem, N'''', N'''''') + N'.cer'''
        + N' WITH PRIVATE KEY (FILE = N''' + REPLACE(@stem, N'''', N'''''') + N'.pvk'''
        + N', ENCRYPTION BY PASSWORD = N''$(BackupPassword)'');';
    EXEC sp_executesql @backup_certificate;
    PRINT N'Certificate and private key written to ' + @stem + N'.cer/.pvk: copy both to the key vault now.';
END;
GO

-- 4. The database encryption key, inside the application's database.
USE [$(DatabaseName)];
GO
IF NOT EXISTS (SELECT 1 FROM sys.dm_database_encryption_keys WHERE database_id = DB_ID())
    CREATE DATABASE ENCRYPTION KEY
        WITH ALGORITHM = AES_256
        ENCRYPTION BY SERVER CERTIFICATE [$(CertificateName)];
GO

-- 5. Turn encryption on (sys.databases.is_encrypted records that it was asked for).
IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_encrypted = 0)
    ALTER DATABASE [$(DatabaseName)] SET ENCRYPTION ON;
GO

-- 6. Where it stands. tempdb is encrypted too as soon as any database uses TDE.
SELECT
    DB_NAME(k.database_id) AS database_name,
    k.encryption_state,
    CASE k.encryption_state
        WHEN 0 THEN N'no database encryption key'
        WHEN 1 THEN N'unencrypted'
        WHEN 2 THEN N'encryption in progress'
        WHEN 3 THEN N'encrypted'
        WHEN 4 THEN N'key change in progress'
        WHEN 5 THEN N'decryption in progress'
        WHEN 6 THEN N'protection change in progress'
    END AS encryption_state_meaning,
    k.percent_complete,
    k.key_algorithm,
    k.key_length,
    k.encryptor_type,
    c.name AS certificate_name,
    c.expiry_date AS certificate_expiry_date,
    c.pvt_key_last_backup_date AS certificate_backed_up_at
FROM sys.dm_database_encryption_keys AS k
LEFT JOIN master.sys.certificates AS c ON c.thumbprint = k.encryptor_thumbprint
WHERE k.database_id IN (DB_ID(), DB_ID(N'tempdb'));
GO
IF NOT EXISTS (
    SELECT 1 FROM sys.dm_database_encryption_keys
    WHERE database_id = DB_ID() AND encryption_state IN (2, 3)
)
    RAISERROR (N'$(DatabaseName) is neither encrypted nor being encrypted: see the report above.', 16, 1);
GO
