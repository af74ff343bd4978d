-- Order aborts travel to the machine as commands, like downloads: a download_command of kind
-- ABORT names the download whose order it withdraws, is claimed, sent, acknowledged and retried
-- the same way, and keeps who asked and why for the status change the acknowledgement makes.
create type machine_command_kind as enum ('DOWNLOAD', 'ABORT');

alter table download_command
  add column kind              machine_command_kind not null default 'DOWNLOAD',
  add column aborts_command_id uuid references download_command (id) on delete cascade,
  add column requested_by      text,
  add column request_reason    text,
  add check ((kind = 'ABORT') = (aborts_command_id is not null));

-- One abort of an order in flight at a time; abortOrder checks first for a clear answer.
create unique index download_command_pending_abort_key on download_command (order_id)
  where kind = 'ABORT' and state = 'PENDING';
