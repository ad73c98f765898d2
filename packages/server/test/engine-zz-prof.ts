import { Harness, sbin } from './engine-harness.js';
const h = new Harness({}, 1e13);
for (let i = 0; i < 10000; i++) h.engine.placeOrder('A1', sbin({ price: (700 + (i % 90)).toFixed(2), quantity: '1' }), h.ctx());
const t = performance.now();
for (let i = 0; i < 200; i++) { const q = h.market.setQuote('NSE', '3045', { ltp: 80000 + (i % 10) * 5 }); h.engine.onQuote(q, h.ctx()); }
console.log('200 quotes', performance.now() - t);
