package chain

import (
	"fmt"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// pile is what `pgcert chain` meets without --key: a root, an intermediate and n
// leaves it issued, each leaf under its own name.
func pile(t testing.TB, n int) []Input {
	t.Helper()
	root := testpki.Root(t, "Pile Root")
	inter := root.Intermediate(t, "Pile Intermediate")
	out := ins(root, inter)
	for i := range n {
		out = append(out, in(inter.Server(t, fmt.Sprintf("db%d.example.com", i))))
	}
	return out
}

// TestGraphComparesOnlyMatchingNames pins the growth of leaf finding: only pairs whose
// names match are checked for a signature, so a pile of n certificates costs O(n)
// signature checks, not one for every pair (which took minutes at 10,000).
func TestGraphComparesOnlyMatchingNames(t *testing.T) {
	const n = 300
	inputs := pile(t, n)
	g := newGraph(dedup(inputs, nil).nodes)
	nonCA, all := g.bottoms()
	if len(nonCA) != n || len(all) != n {
		t.Fatalf("bottoms found %d non-CA and %d in all, want the %d leaves", len(nonCA), len(all), n)
	}
	if len(g.sig) > 2*(n+2) {
		t.Errorf("%d signature checks for %d certificates: more than a linear number", len(g.sig), n+2)
	}
	for _, c := range []int{0, 1, 2, n + 1} {
		for _, p := range g.nameMatches(c) {
			if !issuedByName(g.nodes[c].Cert, g.nodes[p].Cert) {
				t.Errorf("nameMatches(%d) gave %d, whose subject does not name its issuer", c, p)
			}
		}
	}
	if got := g.nameMatches(2); len(got) != 1 || got[0] != 1 {
		t.Errorf("a leaf's issuer candidates = %v, want the intermediate only", got)
	}
}

// BenchmarkFindLeafPile measures leaf finding over piles of growing size: the time
// per certificate should stay flat.
func BenchmarkFindLeafPile(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		inputs := pile(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				g := newGraph(dedup(inputs, nil).nodes)
				g.bottoms()
			}
		})
	}
}
