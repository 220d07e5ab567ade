// Database routines the service calls on its hot paths. Not drizzle schema (drizzle-kit does not
// generate functions), so migrate() creates them after the migrations, in the same locked
// transaction; `create or replace` keeps them equal to this file on every start.
import { personLockKey } from "../contacts/person-lock.js";

/**
 * The first half of handling an inbound message, in one round trip instead of eight statements:
 *
 * 1. the ledger row (channel, external id): a redelivery stops here (`duplicate`), after waiting
 *    for a concurrent first delivery to commit (the unique key);
 * 2. find or create the contact by (channel, address), or by the provider-verified phone of a
 *    second channel; two first messages racing let one insert win and the other use its rows;
 * 3. the person's lock (pg_advisory_xact_lock on a 64-bit hash of the contact id): one person's
 *    messages run one at a time in arrival order, across instances, until the transaction ends;
 * 4. after the lock, so it sees what the person's previous message committed: the contact row,
 *    the flood count (messages of the last minute, this one included) and the dialogue state
 *    (an expired one is deleted and reported, except the short-lived FAQ memory).
 *
 * Every statement inside takes a fresh snapshot (READ COMMITTED, VOLATILE function), which is what
 * makes step 4 see the previous message's writes. Returns jsonb (rows as to_jsonb).
 */
export const INBOUND_BEGIN_SQL = `
create or replace function inbound_begin(
  p_channel text, p_external_id text, p_address text, p_phone text, p_received_at timestamptz, p_flood_since timestamptz, p_now timestamptz
) returns jsonb language plpgsql volatile as $fn$
declare
  v_ledger bigint;
  v_contact contacts;
  v_channel contact_channels;
  v_same uuid;
  v_cid uuid;
  v_created boolean := false;
  v_recent integer;
  v_state conversation_states;
  v_has_state boolean := false;
  v_expired boolean := false;
begin
  insert into inbound_messages (channel, external_id, received_at) values (p_channel, p_external_id, p_received_at)
    on conflict do nothing returning id into v_ledger;
  if v_ledger is null then
    return '{"duplicate": true}'::jsonb;
  end if;

  update contact_channels set last_inbound_at = p_received_at, phone = coalesce(p_phone, phone)
    where channel = p_channel and address = p_address returning * into v_channel;
  if not found then
    if p_phone is not null then
      select contact_id into v_same from contact_channels where phone = p_phone limit 1;
    end if;
    if v_same is null then
      insert into contacts (last_inbound_at) values (p_received_at) returning * into v_contact;
      v_cid := v_contact.id;
    else
      v_cid := v_same;
    end if;
    insert into contact_channels (contact_id, channel, address, phone, last_inbound_at)
      values (v_cid, p_channel, p_address, p_phone, p_received_at)
      on conflict (channel, address) do nothing returning * into v_channel;
    if found then
      v_created := v_same is null;
    else
      -- Lost the race for this address: the winner's rows are used.
      if v_same is null then
        delete from contacts where id = v_cid;
      end if;
      update contact_channels set last_inbound_at = p_received_at, phone = coalesce(p_phone, phone)
        where channel = p_channel and address = p_address returning * into v_channel;
      if not found then
        raise exception 'linking a contact to its channel';
      end if;
    end if;
  end if;
  v_cid := v_channel.contact_id;

  perform pg_advisory_xact_lock(${personLockKey("v_cid")});

  if not v_created then
    update contacts set last_inbound_at = p_received_at where id = v_cid returning * into v_contact;
  end if;
  update inbound_messages set contact_id = v_cid where id = v_ledger;
  select count(*) into v_recent from inbound_messages where contact_id = v_cid and received_at >= p_flood_since;
  select * into v_state from conversation_states where contact_id = v_cid;
  if found then
    if v_state.expires_at <= p_now then
      delete from conversation_states where contact_id = v_cid;
      v_expired := v_state.flow <> 'faq';
    else
      v_has_state := true;
    end if;
  end if;
  return jsonb_build_object(
    'duplicate', false,
    'created', v_created,
    'contact', to_jsonb(v_contact),
    'channel', to_jsonb(v_channel),
    'recent', v_recent,
    'state', case when v_has_state then jsonb_build_object('flow', v_state.flow, 'step', v_state.step, 'data', v_state.data) end,
    'expired', v_expired
  );
end
$fn$`;

/**
 * inbound_begin for several messages (of different people) in one call: the group commit of
 * concurrent messages (src/conversation/group-commit.ts). `p_messages` is a JSON array of
 * {channel, external_id, address, phone, received_at}; the result is the array of each message's
 * inbound_begin result, in the same order. The caller orders the messages by (channel, address)
 * so that concurrent batches take their person locks in the same order.
 */
export const INBOUND_BEGIN_BATCH_SQL = `
create or replace function inbound_begin_batch(p_messages json, p_flood_since timestamptz, p_now timestamptz)
returns jsonb language plpgsql volatile as $fn$
declare
  m record;
  r jsonb := '[]'::jsonb;
begin
  for m in select t.e from json_array_elements(p_messages) with ordinality as t(e, n) order by t.n loop
    r := r || jsonb_build_array(inbound_begin(m.e->>'channel', m.e->>'external_id', m.e->>'address', m.e->>'phone',
      (m.e->>'received_at')::timestamptz, p_flood_since, p_now));
  end loop;
  return r;
end
$fn$`;

/**
 * Queues outbox rows and wakes the sending instance, in one statement (src/channels/outbox.ts
 * enqueue: p_rows as it builds them); a repeated dedupe key is skipped. Returns the new ids in
 * insertion order, as a JSON array.
 */
export const OUTBOX_ENQUEUE_SQL = `
create or replace function outbox_enqueue(p_now timestamptz, p_rows json, p_notify text)
returns jsonb language plpgsql volatile as $fn$
declare
  v_ids jsonb;
begin
  with ins as (
    insert into outbox (contact_id, channel, address, message, kind, lane, dedupe_key, created_at, next_attempt_at, forget_after_send, lang, last_inbound_at)
    select "contactId", channel, address, message, kind, lane, "dedupeKey", p_now, coalesce("notBefore", p_now), "forgetAfterSend", lang, "lastInboundAt"
    from rows from (json_to_recordset(p_rows) as ("contactId" uuid, channel text, address text, message jsonb, kind text, lane smallint,
      "dedupeKey" text, "notBefore" timestamptz, "forgetAfterSend" boolean, lang text, "lastInboundAt" timestamptz)) with ordinality
      as x("contactId", channel, address, message, kind, lane, "dedupeKey", "notBefore", "forgetAfterSend", lang, "lastInboundAt", n)
    order by x.n
    on conflict (dedupe_key) do nothing
    returning id
  )
  select coalesce(jsonb_agg(id order by id), '[]'::jsonb) into v_ids from ins;
  if jsonb_array_length(v_ids) > 0 then
    perform pg_notify(p_notify, '');
  end if;
  return v_ids;
end
$fn$`;

/**
 * The end of a batch of conversation turns (src/conversation/group-commit.ts), in one statement:
 * each person's dialogue state written (flow null: cleared), then the replies queued as
 * outbox_enqueue does. Returns the new outbox ids in insertion order.
 */
export const INBOUND_FINISH_SQL = `
create or replace function inbound_finish(p_now timestamptz, p_states json, p_rows json, p_notify text)
returns jsonb language plpgsql volatile as $fn$
begin
  delete from conversation_states s
    using json_to_recordset(p_states) as x(contact_id uuid, flow text)
    where x.flow is null and s.contact_id = x.contact_id;
  insert into conversation_states (contact_id, flow, step, data, updated_at, expires_at)
    select x.contact_id, x.flow, x.step, x.data, p_now, x.expires_at
    from json_to_recordset(p_states) as x(contact_id uuid, flow text, step text, data jsonb, expires_at timestamptz)
    where x.flow is not null
    on conflict (contact_id) do update set flow = excluded.flow, step = excluded.step, data = excluded.data,
      updated_at = excluded.updated_at, expires_at = excluded.expires_at;
  return outbox_enqueue(p_now, p_rows, p_notify);
end
$fn$`;

/** Every routine, in order (a routine after those it calls). */
export const ROUTINES_SQL: readonly string[] = [INBOUND_BEGIN_SQL, INBOUND_BEGIN_BATCH_SQL, OUTBOX_ENQUEUE_SQL, INBOUND_FINISH_SQL];
