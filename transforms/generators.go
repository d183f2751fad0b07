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
	key  [sha256.Size]byte
	once sync.Once
	gen  *table.Generator
	err  error
}

// get returns the generator of a model file's bytes, building it once.
func (c *generatorCache) get(model []byte) (*table.Generator, error) {
	key := sha256.Sum256(model)
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
	e.once.Do(func() {
		m, err := table.DecodeModel(model)
		if err != nil {
			e.err = err
			return
		}
		e.gen, e.err = table.NewGenerator(m)
	})
	return e.gen, e.err
}
