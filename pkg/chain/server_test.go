package chain

import (
	"errors"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func inputs(certs ...*testpki.Cert) []Input {
	out := make([]Input, len(certs))
	for i, c := range certs {
		out[i] = Input{Cert: c.Cert, File: "pile.pem"}
	}
	return out
}

// TestPlanServerChain covers the decisions PlanServerChain adds to Build: what goes
// into server.crt and which problems refuse it.
func TestPlanServerChain(t *testing.T) {
	now := testpki.Now
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	direct := root.Server(t, "direct.example.com")
	other := testpki.Root(t, "Other Root")

	plan, err := PlanServerChain(inputs(root, leaf, inter), ServerOptions{Now: now})
	if err != nil || len(plan.Problems) != 0 || !plan.WithRoot || plan.Written() != 3 {
		t.Fatalf("leaf, inter, root: %v, %+v", err, plan)
	}
	plan, _ = PlanServerChain(inputs(root, leaf, inter), ServerOptions{Now: now, NoRoot: true})
	if plan.WithRoot || plan.RootLeftOut || plan.Written() != 2 {
		t.Errorf("--no-root: with root %v, left out %v, %d written", plan.WithRoot, plan.RootLeftOut, plan.Written())
	}
	plan, _ = PlanServerChain(inputs(root, direct), ServerOptions{Now: now})
	if plan.WithRoot || !plan.RootLeftOut || plan.Written() != 1 {
		t.Errorf("a leaf signed by the root: with root %v, left out %v", plan.WithRoot, plan.RootLeftOut)
	}

	// The root of the pile is not the root the clients trust.
	plan, _ = PlanServerChain(inputs(root, leaf, inter), ServerOptions{Now: now, Roots: inputs(other)})
	var untrusted *UntrustedRootError
	if len(plan.Problems) == 0 || !errors.As(plan.Problems[len(plan.Problems)-1], &untrusted) {
		t.Errorf("untrusted root: %v", plan.Problems)
	}
	// The intermediate is missing while the root is there.
	plan, _ = PlanServerChain(inputs(root, leaf), ServerOptions{Now: now})
	var unreached *UnreachedRootError
	if len(plan.Problems) != 1 || !errors.As(plan.Problems[0], &unreached) || unreached.Root.Cert != root.Cert {
		t.Errorf("missing intermediate: %v", plan.Problems)
	}
	// Without the root, the missing issuer is only described: clients hold the root.
	plan, _ = PlanServerChain(inputs(leaf, inter), ServerOptions{Now: now})
	if len(plan.Problems) != 0 || plan.Missing == nil {
		t.Errorf("no root among the inputs: %v, missing %v", plan.Problems, plan.Missing)
	}
	// A broken signature hides the missing issuer it causes.
	plan, _ = PlanServerChain(inputs(leaf.BrokenSignature(t), inter, root), ServerOptions{Now: now})
	var missing *MissingIssuerError
	var sig *SignatureError
	if len(plan.Problems) == 0 || !errors.As(plan.Problems[0], &sig) {
		t.Errorf("broken signature: %v", plan.Problems)
	}
	for _, p := range plan.Problems {
		if errors.As(p, &missing) {
			t.Errorf("the missing issuer is reported beside the broken signature: %v", plan.Problems)
		}
	}

	// A leaf with so many names that the chain is over OpenSSL's limit.
	names := []string{"big.example.com"}
	for len(strings.Join(names, "")) < MaxCertList {
		names = append(names, strings.Repeat("x", 60)+".example.com")
	}
	plan, _ = PlanServerChain(inputs(inter.Server(t, names...), inter, root), ServerOptions{Now: now})
	var tooLarge *TooLargeError
	if len(plan.Problems) != 1 || !errors.As(plan.Problems[0], &tooLarge) || tooLarge.Size <= MaxCertList {
		t.Errorf("a chain over %d bytes: %v", MaxCertList, plan.Problems)
	}

	var mismatch *KeyMismatchError
	if p, err := PlanServerChain(inputs(leaf, inter, root), ServerOptions{Now: now, Key: other.Key.Public()}); p != nil || !errors.As(err, &mismatch) {
		t.Errorf("a key no certificate carries: %v", err)
	}
}
