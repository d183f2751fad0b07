package transforms

import (
	"crypto/sha256"
	"sync"

	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// generators shares one table.Generator per model among the DoFn
// instances of a worker process. Building a generator (the quantile table
// of every numeric column) takes seconds for a wide model, and a runner
// may run many instances of one stage, and several stages (the shards, the
// copy check), at once. A Generator is safe for concurrent use. The cache
// keeps the few models used last, keyed by the SHA-256 of their bytes.
var generators generatorCache

// generatorCacheSize bounds the models the cache keeps.
const generatorCacheSize = 4

type generatorCache struct {
	mu      sync.Mutex
	entries []*cachedGenerator // most recently used last
}

type cachedGenerator struct {
	key   [sha256.Size]byte
	model *table.Model // decoded already (Remember), or nil
	built bool         // the generator is being built or was: guarded by the cache's mu
	once  sync.Once
	gen   *table.Generator
	err   error
}

// Remember records the model decoded from a model file's bytes (as
// pipeline.ReadModel does to validate them), so that the first generator
// of those bytes in this process is built from it instead of decoding the
// bytes again: a forest model file takes about 0.3 s to decode. The model
// must not change afterwards.
func Remember(model []byte, m *table.Model) {
	generators.remember(model, m)
}

func (c *generatorCache) remember(model []byte, m *table.Model) {
	e := c.entry(sha256.Sum256(model))
	c.mu.Lock()
	if !e.built {
		e.model = m
	}
	c.mu.Unlock()
}

// get returns the generator of a model file's bytes, building it once.
func (c *generatorCache) get(model []byte) (*table.Generator, error) {
	e := c.entry(sha256.Sum256(model))
	e.once.Do(func() {
		c.mu.Lock()
		m := e.model
		e.model, e.built = nil, true
		c.mu.Unlock()
		if m == nil {
			var err error
			if m, err = table.DecodeModel(model); err != nil {
				e.err = err
				return
			}
		}
		e.gen, e.err = table.NewGenerator(m)
	})
	return e.gen, e.err
}

// entry is the cache's entry of a key, made (and the least recently used
// one dropped) where there is none; it becomes the most recently used.
func (c *generatorCache) entry(key [sha256.Size]byte) *cachedGenerator {
	c.mu.Lock()
	var e *cachedGenerator
	for i, x := range c.entries {
		if x.key == key {
			e = x
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), x)
			break
		}
	}
	if e == nil {
		e = &cachedGenerator{key: key}
		if len(c.entries) == generatorCacheSize {
			c.entries = c.entries[1:]
		}
		c.entries = append(c.entries, e)
	}
	c.mu.Unlock()
	return e
}
