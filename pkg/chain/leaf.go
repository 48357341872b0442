package chain

import (
	"crypto"
)

// FindLeaf picks the leaf among inputs. With a key (the public half of the server's or
// client's private key), the leaf is the one certificate carrying it. Without one, it is
// the one certificate that is not a CA and issues no other input (a non-CA certificate
// that signed another input is a misissued intermediate, not a leaf); when there is no
// such certificate, the one certificate that issues no other, so that a self-signed
// certificate made with CA:TRUE (what `openssl req -x509` writes by default) still works.
//
// Errors: *KeyMismatchError when no certificate carries key, *AmbiguousLeafError when
// more than one could be the leaf, ErrNoLeaf when every certificate issues another.
func FindLeaf(inputs []Input, key crypto.PublicKey) (Input, error) {
	g := newGraph(dedup(inputs, nil).nodes)
	i, err := g.findLeaf(key)
	if err != nil {
		return Input{}, err
	}
	return g.nodes[i].Input, nil
}

// findLeaf returns the index of the leaf among the nodes that came from the inputs.
func (g *graph) findLeaf(key crypto.PublicKey) (int, error) {
	if key != nil {
		var matches []int
		for i, n := range g.nodes {
			if n.fromInputs {
				if k, ok := n.Cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); ok && k.Equal(key) {
					matches = append(matches, i)
				}
			}
		}
		switch len(matches) {
		case 1:
			return matches[0], nil
		case 0:
			leaves, _ := g.bottoms()
			return -1, &KeyMismatchError{Leaves: g.inputsOf(leaves)}
		default:
			return -1, &AmbiguousLeafError{Candidates: g.inputsOf(matches), ByKey: true}
		}
	}
	nonCA, all := g.bottoms()
	switch {
	case len(nonCA) == 1:
		return nonCA[0], nil
	case len(nonCA) > 1:
		return -1, &AmbiguousLeafError{Candidates: g.inputsOf(nonCA)}
	case len(all) == 1:
		return all[0], nil
	case len(all) > 1:
		return -1, &AmbiguousLeafError{Candidates: g.inputsOf(all)}
	}
	return -1, ErrNoLeaf
}

// bottoms returns the input certificates that issue no other certificate: those that
// are not CAs, and all of them.
func (g *graph) bottoms() (nonCA, all []int) {
	for i, n := range g.nodes {
		if !n.fromInputs {
			continue
		}
		issues := false
		for _, j := range g.issuedBy(i) {
			if g.signs(i, j) {
				issues = true
				break
			}
		}
		if issues {
			continue
		}
		all = append(all, i)
		if caKind(n.Cert) == 0 {
			nonCA = append(nonCA, i)
		}
	}
	return nonCA, all
}

func (g *graph) inputsOf(idx []int) []Input {
	out := make([]Input, len(idx))
	for k, i := range idx {
		out[k] = g.nodes[i].Input
	}
	return out
}
