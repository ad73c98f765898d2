/** Accounts under the admin API: create, reset and add (or withdraw) funds. */
import { formatIstDate } from '@smartapi-ts/protocol';
import type { Broker } from '../broker/broker.js';
import type { PaperConfig } from '../config.js';
import type { ContractNote } from '../engine/charges/contract-note.js';
import { isRejection } from '../engine/result.js';
import type { FundsRecord } from '../engine/types.js';
import { type AccountSummary, createAccount, listAccounts } from '../identity/accounts.js';
import type { Market } from '../market/types.js';
import type { Store } from '../storage/types.js';
import { bad, conflict, notFound, objectBody, rupees } from './errors.js';

/** Funds of an account as the admin API shows them (rupees). */
export interface FundsView {
  clientcode: string;
  cash: number;
  initialcash: number;
}

function fundsView(f: FundsRecord): FundsView {
  return { clientcode: f.clientcode, cash: f.cash / 100, initialcash: f.initialcash / 100 };
}

/** Collaborators of {@link AccountsAdmin}. */
export interface AccountsAdminOptions {
  store: Store;
  market: Market;
  broker: Broker;
  config: PaperConfig;
}

/** The accounts part of the scenario controller. */
export class AccountsAdmin {
  private readonly store: Store;
  private readonly market: Market;
  private readonly broker: Broker;
  private readonly config: PaperConfig;

  constructor(opts: AccountsAdminOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.broker = opts.broker;
    this.config = opts.config;
  }

  /** `POST /paper/v1/accounts`: a new account; `funds` in rupees. */
  async createAccount(
    body: unknown,
  ): Promise<{ clientcode: string; password: string; totpSecret: string; apiKey: string }> {
    const b = objectBody(body, ['funds']);
    const funds = b.funds === undefined ? this.config.defaultFunds : rupees(b.funds, 'funds');
    const { account, credentials } = await createAccount(this.store, { funds, now: this.config.wallClock() });
    this.broker.ensureAccount(account);
    return credentials;
  }

  /** `POST /paper/v1/accounts/{clientcode}/reset`. */
  resetAccount(clientcode: string, body: unknown): FundsView {
    const b = objectBody(body, ['funds']);
    const funds = b.funds === undefined ? undefined : rupees(b.funds, 'funds');
    const cc = this.account(clientcode);
    const { result, events } = this.broker.engine.resetAccount(cc, { now: this.market.now() }, funds);
    if (isRejection(result)) throw bad(result.message);
    this.broker.commit(events);
    return fundsView(result);
  }

  /** `POST /paper/v1/accounts/{clientcode}/funds` `{ add: rupees }` (negative withdraws). */
  addFunds(clientcode: string, body: unknown): FundsView {
    const b = objectBody(body, ['add']);
    if (typeof b.add !== 'number' || !Number.isFinite(b.add) || b.add === 0 || Math.abs(b.add) > 1e11) {
      throw bad('add must be a non-zero amount in rupees');
    }
    const paise = Math.round(b.add * 100);
    const cc = this.account(clientcode);
    const { result, events } = this.broker.engine.addFunds(cc, paise, { now: this.market.now() });
    if (isRejection(result)) throw conflict('the account cash cannot go below zero');
    this.broker.commit(events);
    return fundsView(result);
  }

  /** `GET /paper/v1/accounts`: every account (no secrets but the api key), for the operator view. */
  listAccounts(): AccountSummary[] {
    return listAccounts(this.store);
  }

  /** `GET /paper/v1/accounts/{clientcode}/contract-note?date=YYYY-MM-DD` (default: today's market day). */
  contractNote(clientcode: string, date: string | undefined): ContractNote {
    const day = date ?? formatIstDate(this.market.now());
    const note = this.broker.engine.contractNote(this.account(clientcode), day);
    if (isRejection(note)) throw notFound(`no such account: ${clientcode}`);
    return note;
  }

  private account(clientcode: string): string {
    const a = this.store.accounts.get(clientcode.toUpperCase());
    if (!a) throw notFound(`no such account: ${clientcode}`);
    this.broker.ensureAccount(a);
    return a.clientcode;
  }
}
