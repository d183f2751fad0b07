"""Writes shapes.csv: 3,000 rows, one column per shape that vgmsynth keeps
(docs/formats.md, "Shapes"). Deterministic (seed 3)."""
import datetime
import random
import sys

random.seed(3)
first = ['Anna', 'Ben', 'Carla', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jon',
         'Kai', 'Lena', 'Mats', 'Nora', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sven', 'Tara']
last = ['Smith', 'Jones', 'Garcia', 'Muller', 'Rossi', 'Dubois', 'Nowak', 'Silva', 'Kim',
        'Sato', 'Berg', 'Costa', 'Novak', 'Weber', 'Moreau']
out = open(sys.argv[1] if len(sys.argv) > 1 else 'shapes.csv', 'w')
print('order_id,time,hhmm,amount,price,share,ratio,sci,zip,flag_yn,flag_yesno,flag_tf,'
      'flag01,ts_offset,valid_to,born,code,name,email,score', file=out)
for i in range(1, 3001):
    t = random.randint(0, 86399)
    amt = random.lognormvariate(8, 1.2)
    price = random.lognormvariate(6, 1)
    vt = '9999-12-31' if random.random() < 0.3 else (
        datetime.date(2020, 1, 1) + datetime.timedelta(days=random.randint(0, 1500))).isoformat()
    born = (datetime.date(1600, 1, 1) + datetime.timedelta(days=random.randint(0, 70000))).isoformat()
    ts = (datetime.datetime(2024, 3, 1) + datetime.timedelta(seconds=random.randint(0, 10**7))
          ).strftime('%Y-%m-%dT%H:%M:%S') + '+02:00'
    name = random.choice(first) + ' ' + random.choice(last)
    email = (random.choice(first) + '.' + random.choice(last)).lower() + '@' + random.choice(
        ['example.com', 'mail.org', 'corp.net'])
    row = ['ORD-%05d' % i, '%02d:%02d:%02d' % (t // 3600, t // 60 % 60, t % 60),
           '%02d:%02d' % (t // 3600, t // 60 % 60),
           '"{:,.2f}"'.format(amt), '"${:,.2f}"'.format(price), '%.1f%%' % random.uniform(0, 100),
           '%.12f' % random.random(), '%.3e' % random.lognormvariate(-5, 2),
           '%05d' % random.randint(501, 99950),
           random.choice('YN'), random.choice(['yes', 'no']), random.choice('TF'),
           str(random.randint(0, 1)), ts, vt, born,
           '-1' if random.random() < 0.2 else str(random.randint(100, 999)), '"%s"' % name, email,
           '%d' % random.randint(0, 100)]
    print(','.join(row), file=out)
