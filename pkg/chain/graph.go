package chain

import "github.com/pgcert/pgcert/pkg/x509name"

// node is one distinct certificate with where it came from.
type node struct {
	Input
	fromInputs bool // given among the certificates to order
	fromRoots  bool // given as a root (BuildOptions.Roots)
}

// pooled is a set of distinct certificates and the exact duplicates dropped from it.
type pooled struct {
	nodes      []node
	duplicates []Input
}

// dedup drops exact (byte-for-byte) duplicates, keeping the first copy. Duplicates
// among inputs are reported; a root that is also among the inputs is not, since passing
// the root both ways is ordinary.
func dedup(inputs, roots []Input) pooled {
	var p pooled
	seen := map[string]int{}
	add := func(in Input, fromRoots bool) {
		if i, ok := seen[string(in.Cert.Raw)]; ok {
			if fromRoots {
				p.nodes[i].fromRoots = true
			} else if p.nodes[i].fromInputs {
				p.duplicates = append(p.duplicates, in)
			} else {
				p.nodes[i].fromInputs = true
			}
			return
		}
		seen[string(in.Cert.Raw)] = len(p.nodes)
		p.nodes = append(p.nodes, node{Input: in, fromInputs: !fromRoots, fromRoots: fromRoots})
	}
	for _, in := range inputs {
		add(in, false)
	}
	for _, in := range roots {
		add(in, true)
	}
	return p
}

// graph caches which certificate signed which: signature checks are the expensive part
// of path building and each pair is asked about more than once. It indexes the nodes
// by subject and by issuer name, so that only pairs whose names match are ever
// compared: a pile of K unrelated certificates costs O(K), not O(K²).
type graph struct {
	nodes     []node
	sig       map[[2]int]bool
	bySubject map[string][]int // name key -> nodes with that subject, in node order
	byIssuer  map[string][]int // name key -> nodes naming it as issuer, in node order
	subject   []string         // each node's subject key
	issuer    []string         // each node's issuer key
}

func newGraph(nodes []node) *graph {
	g := &graph{
		nodes: nodes, sig: map[[2]int]bool{}, bySubject: map[string][]int{}, byIssuer: map[string][]int{},
		subject: make([]string, len(nodes)), issuer: make([]string, len(nodes)),
	}
	for i, n := range nodes {
		g.subject[i] = nameKey(n.Cert.RawSubject)
		g.bySubject[g.subject[i]] = append(g.bySubject[g.subject[i]], i)
		g.issuer[i] = nameKey(n.Cert.RawIssuer)
		g.byIssuer[g.issuer[i]] = append(g.byIssuer[g.issuer[i]], i)
	}
	return g
}

// nameKey maps a DER name to a string two names share exactly when sameName says
// they are equal: the canonical form when the name has one, else the raw bytes
// (which sameName then compares as they are).
func nameKey(raw []byte) string {
	if canon, ok := x509name.Canonical(raw); ok {
		return "c" + string(canon)
	}
	return "r" + string(raw)
}

// signs reports whether node p (the parent) issued node c: p's subject names c's
// issuer, c's authority key identifier (when it has one) fits p as OpenSSL requires,
// and c's signature verifies with p's key.
func (g *graph) signs(p, c int) bool {
	key := [2]int{p, c}
	if ok, done := g.sig[key]; done {
		return ok
	}
	parent, child := g.nodes[p].Cert, g.nodes[c].Cert
	ok := issuedByName(child, parent) && akidMatches(parent, parseAuthorityKeyID(child.Extensions)) && signedBy(child, parent) == nil
	g.sig[key] = ok
	return ok
}

// nameMatches returns the nodes other than c whose subject names c's issuer.
func (g *graph) nameMatches(c int) []int {
	var out []int
	for _, p := range g.bySubject[g.issuer[c]] {
		if p != c {
			out = append(out, p)
		}
	}
	return out
}

// issuedBy returns the nodes other than p that name p's subject as their issuer:
// the only ones p can have signed.
func (g *graph) issuedBy(p int) []int {
	var out []int
	for _, c := range g.byIssuer[g.subject[p]] {
		if c != p {
			out = append(out, c)
		}
	}
	return out
}

// selfSignedNode reports whether node i names itself as issuer and its signature
// verifies with its own key: the top of a path.
func (g *graph) selfSignedNode(i int) bool {
	return g.signs(i, i)
}
