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

/** Every routine, in order. */
export const ROUTINES_SQL: readonly string[] = [INBOUND_BEGIN_SQL];
