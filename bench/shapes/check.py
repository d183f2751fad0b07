"""Checks generated shards against a real table: per column the share of
values in the column's shape (a regular expression), sentinel shares, and
ID uniqueness. Usage: check.py REAL.csv 'OUT-*-of-*.csv' [DELIMITER]"""
import csv, re, sys, glob
real, pat, delim = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else ",")
regex = {
 'order_id': r'ORD-\d{5,}', 'time': r'([01]\d|2[0-3]):[0-5]\d:[0-5]\d', 'hhmm': r'([01]\d|2[0-3]):[0-5]\d',
 'amount': r'\d{1,3}(,\d{3})*\.\d\d', 'price': r'\$\d{1,3}(,\d{3})*\.\d\d', 'share': r'\d{1,3}\.\d%',
 'ratio': r'0\.\d{12}', 'sci': r'\d\.\d{3}e[-+]\d\d', 'zip': r'\d{5}', 'flag_yn': r'[YN]', 'flag_yesno': r'yes|no',
 'flag_tf': r'[TF]', 'flag01': r'[01]', 'ts_offset': r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+02:00',
 'valid_to': r'\d{4}-\d\d-\d\d', 'born': r'1[67]\d\d-\d\d-\d\d', 'code': r'-1|\d{3}', 'name': r'[A-Z][a-z]+ [A-Z][a-z]+',
 'email': r'[a-z]+\.[a-z]+@[a-z]+\.[a-z]+', 'score': r'\d{1,3}',
 'temp': r'-?\d+,\d', 'city': r'Lyon|Lille|Nice', 'count': r'\d+', 'kind': r'[abc]',
}
sent = {'valid_to': '9999-12-31', 'code': '-1'}
rr = list(csv.reader(open(real), delimiter=delim))
files = sorted(glob.glob(pat))
g = []
for f in files:
    g += list(csv.reader(open(f), delimiter=delim))[1:]
hdr = rr[0]
ids = set()
for j, h in enumerate(hdr):
    vals = [row[j] for row in g]
    rx = regex.get(h)
    if h == 'amount' and delim == ';': rx = r'\d{1,3}(\.\d{3})*,\d\d'
    ok = sum(1 for v in vals if rx and re.fullmatch(rx, v)) / len(vals) if rx else float('nan')
    line = f'{h:11s} shape kept {100*ok:7.3f}%  e.g. {rr[1][j]!r} -> {vals[0]!r}'
    if h in sent:
        rs = sum(1 for row in rr[1:] if row[j] == sent[h]) / (len(rr)-1)
        gs = sum(1 for v in vals if v == sent[h]) / len(vals)
        line += f'  sentinel {sent[h]}: real {100*rs:.1f}% synth {100*gs:.1f}%'
    if h == 'order_id':
        line += f'  distinct {len(set(vals))}/{len(vals)}, reused real ids {len(set(vals) & set(r[j] for r in rr[1:]))}'
    print(line)
print('rows', len(g))
