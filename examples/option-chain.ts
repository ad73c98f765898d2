/**
 * Option chain: load the scrip master from the broker, find the nearest NIFTY expiry and the ATM
 * strike from the index's LTP, then quote the strikes around it.
 *
 *   node --conditions=source --import tsx examples/option-chain.ts [--strikes 5]
 *
 * The scrip master is cached under $SMARTAPI_CACHE_DIR (else ~/.cache/smartapi) and refreshed daily.
 */
import { type Instrument, Instruments } from 'smartapi-ts';
import { connect, numberArg, settings } from './connect.js';

const around = Math.floor(numberArg('strikes', 'CHAIN_STRIKES', 5)); // strikes each side of ATM
const s = settings();

// 1. Instruments: `root` derives <root>/OpenAPI_File/files/OpenAPIScripMaster.json (the paper broker's
//    universe); for the venue's root (or without `root`) the venue's daily file is downloaded.
const ins = await Instruments.load({ root: s.root });
console.log(`${ins.size} instruments (${ins.source.kind})`);

const { api } = await connect(s);
try {
  // 2. The underlying's spot price: the NIFTY 50 index row of the master.
  const index = ins.bySymbol('NSE', 'Nifty 50');
  if (!index) throw new Error('NIFTY 50 index not in the scrip master');
  const { ltp: spot } = await api.market.ltp({
    exchange: 'NSE',
    tradingsymbol: index.symbol,
    symboltoken: index.token,
  });

  // 3. Nearest expiry, its chain and the ATM strike.
  const expiry = ins.nearestExpiry('NIFTY');
  if (!expiry) throw new Error('no NIFTY options listed');
  const chain = ins.optionChain('NIFTY', expiry);
  const atm = ins.atmStrike('NIFTY', expiry, spot);
  if (!chain || atm === undefined) throw new Error(`no NIFTY chain for ${expiry}`);
  console.log(
    `NIFTY spot ${spot}, expiry ${chain.expiryText} (${chain.exchange}, lot ${chain.lotSize}), ATM ${atm}`,
  );

  // 4. Quote ±N strikes around the ATM (at most 50 tokens per quote call).
  const i = chain.strikes.findIndex((k) => k.strike === atm);
  const rows = chain.strikes.slice(Math.max(0, i - around), i + around + 1);
  const legs = rows.flatMap((k) => [k.ce, k.pe]).filter((x): x is Instrument => x !== null);
  const quote = await api.market.quote({
    mode: 'LTP',
    exchangeTokens: { [chain.exchange]: legs.map((l) => l.token) },
  });
  const ltpOf = new Map(quote.fetched.map((q) => [q.symbolToken, q.ltp]));

  console.log('      CE LTP |   STRIKE |  PE LTP');
  for (const k of rows) {
    const ce = k.ce ? (ltpOf.get(k.ce.token)?.toFixed(2) ?? '-') : '';
    const pe = k.pe ? (ltpOf.get(k.pe.token)?.toFixed(2) ?? '-') : '';
    console.log(
      `${ce.padStart(12)} | ${String(k.strike).padStart(8)}${k.strike === atm ? '*' : ' '}| ${pe.padStart(7)}`,
    );
  }
  const atmCe = ins.findOption({ name: 'NIFTY', expiry, strike: atm, optionType: 'CE' });
  console.log(`ATM call: ${atmCe?.symbol} token ${atmCe?.token}`);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await api.logout();
  api.close();
}
