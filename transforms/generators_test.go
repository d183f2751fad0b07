package transforms

import (
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// TestRememberSkipsDecode: a model remembered with its bytes is the one
// the generator of those bytes is built from (not decoded again), and
// bytes never remembered are decoded.
func TestRememberSkipsDecode(t *testing.T) {
	_, data := fitSeattle(t)
	m, err := table.DecodeModel(data)
	if err != nil {
		t.Fatal(err)
	}
	var c generatorCache
	c.remember(data, m)
	g, err := c.get(data)
	if err != nil {
		t.Fatal(err)
	}
	if g.Model != m {
		t.Error("the generator was not built from the remembered model")
	}
	other := append([]byte(nil), data...)
	other = append(other, '\n')
	g2, err := c.get(other)
	if err != nil {
		t.Fatal(err)
	}
	if g2.Model == m {
		t.Error("bytes never remembered share the remembered model")
	}
}
