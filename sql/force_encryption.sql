-- ================================================================================================
-- Encrypted connections only: verification.
--
-- Forcing encryption is a server setting, not T-SQL (docs/sql-server.md, "Forcing encrypted
-- connections"): on Windows, SQL Server Configuration Manager > SQL Server Network Configuration >
-- Protocols for <instance> > Properties > Force Encryption = Yes (and the certificate on the
-- Certificate tab); on Linux, `mssql-conf set network.forceencryption 1` with network.tlscert and
-- network.tlskey; then restart the service. The application's side is already strict:
-- DATABASE_URL defaults to Encrypt=yes with the server certificate checked.
--
-- This script only reads; run it after the restart and whenever an audit asks:
--
--   sqlcmd -S <server> -E -b -I -N -i sql/force_encryption.sql
--
-- It fails (with -b, a non-zero exit) while any TCP connection to the instance is unencrypted.
-- ================================================================================================
SET NOCOUNT ON;
GO

-- 1. The Force Encryption flag as the instance's registry has it (Windows only; on Linux this is
--    empty: read `mssql-conf get network forceencryption` instead).
SELECT registry_key, value_name, value_data
FROM sys.dm_server_registry
WHERE registry_key LIKE N'%SuperSocketNetLib' AND value_name IN (N'ForceEncryption', N'ForceStrict');
GO

-- 2. This very connection: encrypt_option must say TRUE.
SELECT session_id, net_transport, encrypt_option, auth_scheme, protocol_type
FROM sys.dm_exec_connections
WHERE session_id = @@SPID;
GO

-- 3. Every connection over the network that is not encrypted, with who and from where.
SELECT
    c.session_id,
    c.client_net_address,
    c.net_transport,
    c.encrypt_option,
    s.login_name,
    s.program_name,
    c.connect_time
FROM sys.dm_exec_connections AS c
LEFT JOIN sys.dm_exec_sessions AS s ON s.session_id = c.session_id
WHERE c.encrypt_option <> 'TRUE' AND c.net_transport = 'TCP'
ORDER BY c.connect_time;
GO
IF EXISTS (SELECT 1 FROM sys.dm_exec_connections WHERE encrypt_option <> 'TRUE' AND net_transport = 'TCP')
    RAISERROR (N'Unencrypted TCP connections exist (listed above): encryption is not forced yet.', 16, 1);
GO
