package chain

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

type buildCase struct {
	inputs       []*testpki.Cert
	roots        []*testpki.Cert
	key          crypto.PublicKey
	allowExpired bool
	requireRoot  bool

	want       []*testpki.Cert // the path, when Build returns one
	complete   bool
	unrelated  []*testpki.Cert
	duplicates []*testpki.Cert
	warnings   int
	check      func(t *testing.T, p *Path, err error) // the error, or nil for none

	// anchors, when set, are what `openssl verify -CAfile` trusts: it must accept the
	// chain Build wrote (reason 0), or refuse the inputs with reason at depth.
	anchors []*testpki.Cert
	reason  Reason
	depth   int
}

func noError(t *testing.T, _ *Path, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
}

// errorAs returns a check that Build's error holds a *E and passes more.
func errorAs[E error](more func(t *testing.T, e E)) func(*testing.T, *Path, error) {
	return func(t *testing.T, _ *Path, err error) {
		t.Helper()
		var e E
		if !errors.As(err, &e) {
			t.Fatalf("Build: %v, want a %T", err, e)
		}
		if more != nil {
			more(t, e)
		}
	}
}

func buildCases(t *testing.T) map[string]buildCase {
	now := testpki.Now
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	cases := map[string]buildCase{}
	path := []*testpki.Cert{leaf, inter, root}

	cases["in order"] = buildCase{inputs: path, want: path, complete: true, check: noError, anchors: []*testpki.Cert{root}}
	cases["shuffled"] = buildCase{inputs: []*testpki.Cert{root, leaf, inter}, want: path, complete: true, check: noError, anchors: []*testpki.Cert{root}}
	cases["duplicates"] = buildCase{inputs: []*testpki.Cert{inter, leaf, inter, root, leaf}, want: path, complete: true, duplicates: []*testpki.Cert{inter, leaf},
		check: noError, anchors: []*testpki.Cert{root}}
	otherRoot := testpki.Root(t, "Other Root")
	otherInter := otherRoot.Intermediate(t, "Other Inter")
	cases["unrelated certificates"] = buildCase{inputs: []*testpki.Cert{otherRoot, leaf, otherInter, inter, root}, want: path, complete: true,
		unrelated: []*testpki.Cert{otherRoot, otherInter}, check: noError, anchors: []*testpki.Cert{root}}
	cases["no root given"] = buildCase{inputs: []*testpki.Cert{inter, leaf}, want: []*testpki.Cert{leaf, inter},
		check: func(t *testing.T, p *Path, err error) {
			noError(t, p, err)
			if p.Missing == nil || p.Missing.Issuer != "CN=Root" || string(p.Missing.AuthorityKeyID) != string(root.Cert.SubjectKeyId) {
				t.Errorf("Missing = %+v, want CN=Root with the root's key id", p.Missing)
			}
		}, anchors: []*testpki.Cert{root}}
	cases["root required but not given"] = buildCase{inputs: []*testpki.Cert{inter, leaf}, requireRoot: true, want: []*testpki.Cert{leaf, inter},
		check: errorAs(func(t *testing.T, e *MissingIssuerError) {
			if e.Cert.Cert != inter.Cert {
				t.Errorf("missing issuer of %s, want of the intermediate", e.Cert)
			}
		})}
	cases["root from a root file"] = buildCase{inputs: []*testpki.Cert{leaf, inter}, roots: []*testpki.Cert{otherRoot, root}, requireRoot: true, want: path, complete: true,
		check: noError, anchors: []*testpki.Cert{root}}
	cases["missing intermediate"] = buildCase{inputs: []*testpki.Cert{root, leaf}, want: []*testpki.Cert{leaf}, unrelated: []*testpki.Cert{root}, requireRoot: true,
		check: errorAs(func(t *testing.T, e *MissingIssuerError) {
			if e.Cert.Cert != leaf.Cert || e.Issuer != "CN=Inter" || string(e.AuthorityKeyID) != string(inter.Cert.SubjectKeyId) {
				t.Errorf("MissingIssuerError %+v, want the leaf's issuer CN=Inter", e)
			}
			if !strings.Contains(e.Error(), `"CN=Inter"`) || !strings.Contains(e.Error(), "db.example.com (db.example.com.pem)") {
				t.Errorf("message %q does not name the certificate and its issuer", e)
			}
		}),
		anchors: []*testpki.Cert{root}, reason: UnableToGetIssuerCertLocally, depth: 0}

	// Two intermediates deep, in no particular order.
	i1 := root.Intermediate(t, "Inter 1")
	i2 := i1.Intermediate(t, "Inter 2")
	deep := i2.Server(t, "deep.example.com")
	cases["two intermediates deep"] = buildCase{inputs: []*testpki.Cert{i1, deep, root, i2}, want: []*testpki.Cert{deep, i2, i1, root}, complete: true,
		check: noError, anchors: []*testpki.Cert{root}}

	// Cross-signing: I under old root R1 and new root R2, R2 cross-signed by R1.
	r1 := testpki.Root(t, "R1")
	r2 := testpki.Root(t, "R2")
	iR2 := r2.Intermediate(t, "I")
	iR1 := testpki.Make(t, testpki.Template{CN: "I", IsCA: true, MaxPath: -1, Key: iR2.Key}, r1)
	r2R1 := testpki.Make(t, testpki.Template{CN: "R2", IsCA: true, MaxPath: -1, Key: r2.Key}, r1)
	xleaf := iR2.Server(t, "x.example.com")
	cases["cross-signed: the longest path"] = buildCase{inputs: []*testpki.Cert{xleaf, iR1, r2, iR2, r1, r2R1}, want: []*testpki.Cert{xleaf, iR2, r2R1, r1}, complete: true,
		unrelated: []*testpki.Cert{iR1, r2}, check: noError, anchors: []*testpki.Cert{r1}}
	cases["cross-signed: equal paths keep input order"] = buildCase{inputs: []*testpki.Cert{xleaf, iR2, iR1, r1, r2}, want: []*testpki.Cert{xleaf, iR2, r2}, complete: true,
		unrelated: []*testpki.Cert{iR1, r1}, check: noError, anchors: []*testpki.Cert{r2}}
	oldR1 := testpki.Make(t, testpki.Template{CN: "R1", Key: r1.Key, IsCA: true, MaxPath: -1, NotBefore: now.Add(-3650 * day), NotAfter: now.Add(-day)}, nil)
	cases["cross-signed: a valid path beats a longer expired one"] = buildCase{inputs: []*testpki.Cert{xleaf, iR2, r2R1, oldR1, r2}, want: []*testpki.Cert{xleaf, iR2, r2}, complete: true,
		unrelated: []*testpki.Cert{r2R1, oldR1}, check: noError, anchors: []*testpki.Cert{r2}}

	// Keys pick the leaf.
	leaf2 := inter.Server(t, "db2.example.com")
	cases["two leaves"] = buildCase{inputs: []*testpki.Cert{leaf, inter, leaf2, root},
		check: errorAs(func(t *testing.T, e *AmbiguousLeafError) {
			if len(e.Candidates) != 2 || e.Candidates[0].Cert != leaf.Cert || e.Candidates[1].Cert != leaf2.Cert {
				t.Errorf("candidates %v, want both leaves", e.Candidates)
			}
		})}
	cases["the key picks the leaf"] = buildCase{inputs: []*testpki.Cert{leaf, inter, leaf2, root}, key: leaf2.Key.Public(),
		want: []*testpki.Cert{leaf2, inter, root}, complete: true, unrelated: []*testpki.Cert{leaf}, check: noError, anchors: []*testpki.Cert{root}}
	cases["wrong key"] = buildCase{inputs: []*testpki.Cert{leaf, inter, root}, key: leaf2.Key.Public(),
		check: errorAs(func(t *testing.T, e *KeyMismatchError) {
			if len(e.Leaves) != 1 || e.Leaves[0].Cert != leaf.Cert {
				t.Errorf("leaves %v, want the one leaf", e.Leaves)
			}
		})}
	cases["a CA key is not a leaf's"] = buildCase{inputs: []*testpki.Cert{leaf, inter, root}, roots: []*testpki.Cert{root}, key: root.Key.Public(),
		want: []*testpki.Cert{root}, complete: true, unrelated: []*testpki.Cert{leaf, inter}, check: noError}

	// Problems on the path.
	noCA := testpki.Make(t, testpki.Template{CN: "Not A CA", IsCA: true, NoCAFlag: true, MaxPath: -1}, root)
	noCALeaf := noCA.Server(t, "noca.example.com")
	cases["intermediate with CA:FALSE"] = buildCase{inputs: []*testpki.Cert{noCALeaf, noCA, root}, want: []*testpki.Cert{noCALeaf, noCA, root}, complete: true,
		check: errorAs(func(t *testing.T, e *NotCAError) {
			if e.Cert.Cert != noCA.Cert || e.NoKeyCertSign || e.Reason != "basicConstraints CA:FALSE" {
				t.Errorf("NotCAError %+v", e)
			}
		}), anchors: []*testpki.Cert{root}, reason: InvalidCA, depth: 1}
	noSign := testpki.Make(t, testpki.Template{CN: "No CertSign", IsCA: true, MaxPath: -1, NoCertSig: true}, root)
	noSignLeaf := noSign.Server(t, "nosign.example.com")
	cases["intermediate without keyCertSign"] = buildCase{inputs: []*testpki.Cert{noSignLeaf, noSign, root}, want: []*testpki.Cert{noSignLeaf, noSign, root}, complete: true,
		check: errorAs(func(t *testing.T, e *NotCAError) {
			if e.Cert.Cert != noSign.Cert || !e.NoKeyCertSign {
				t.Errorf("NotCAError %+v, want the intermediate without keyCertSign", e)
			}
		}), anchors: []*testpki.Cert{root}, reason: InvalidCA, depth: 1}
	expired := testpki.Make(t, testpki.Template{CN: "Expired Inter", IsCA: true, MaxPath: -1, NotBefore: now.Add(-400 * day), NotAfter: now.Add(-day)}, root)
	expiredLeaf := expired.Server(t, "exp.example.com")
	cases["expired intermediate"] = buildCase{inputs: []*testpki.Cert{expiredLeaf, expired, root}, want: []*testpki.Cert{expiredLeaf, expired, root}, complete: true,
		check: errorAs(func(t *testing.T, e *ExpiredError) {
			if e.Cert.Cert != expired.Cert || e.NotYetValid || !strings.Contains(e.Error(), "1 day ago") {
				t.Errorf("ExpiredError %v", e)
			}
		}), anchors: []*testpki.Cert{root}, reason: CertHasExpired, depth: 1}
	cases["expired intermediate allowed"] = buildCase{inputs: []*testpki.Cert{expiredLeaf, expired, root}, allowExpired: true,
		want: []*testpki.Cert{expiredLeaf, expired, root}, complete: true, warnings: 1, check: noError}
	oldInter := testpki.Make(t, testpki.Template{CN: "Inter", Key: inter.Key, IsCA: true, MaxPath: -1, NotBefore: now.Add(-400 * day), NotAfter: now.Add(-day)}, root)
	cases["renewed intermediate"] = buildCase{inputs: []*testpki.Cert{leaf, oldInter, inter, root}, want: path, complete: true, unrelated: []*testpki.Cert{oldInter},
		check: noError, anchors: []*testpki.Cert{root}}
	p0 := testpki.Make(t, testpki.Template{CN: "Pathlen 0", IsCA: true, MaxPath: 0}, root)
	p0sub := p0.Intermediate(t, "Under Pathlen 0")
	p0leaf := p0sub.Server(t, "p0.example.com")
	cases["pathlen exceeded"] = buildCase{inputs: []*testpki.Cert{p0leaf, p0sub, p0, root}, want: []*testpki.Cert{p0leaf, p0sub, p0, root}, complete: true,
		check: errorAs(func(t *testing.T, e *PathLenError) {
			if e.Cert.Cert != p0.Cert || e.MaxPathLen != 0 || e.Below != 1 {
				t.Errorf("PathLenError %+v", e)
			}
		}), anchors: []*testpki.Cert{root}, reason: PathLengthExceeded, depth: 2}

	// Broken signatures.
	broken := leaf.BrokenSignature(t)
	cases["leaf signature broken"] = buildCase{inputs: []*testpki.Cert{broken, inter, root}, want: []*testpki.Cert{broken}, unrelated: []*testpki.Cert{inter, root},
		check: errorAs(func(t *testing.T, e *SignatureError) {
			if e.Cert.Cert != broken.Cert || e.Issuer.Cert != inter.Cert || !e.KeyIDMatches {
				t.Errorf("SignatureError %+v", e)
			}
		}), anchors: []*testpki.Cert{root}, reason: CertSignatureFailure, depth: 0}
	imposter := root.Intermediate(t, "Inter")
	cases["intermediate re-keyed under the same name"] = buildCase{inputs: []*testpki.Cert{leaf, imposter, root}, want: []*testpki.Cert{leaf}, unrelated: []*testpki.Cert{imposter, root},
		check: errorAs(func(t *testing.T, e *SignatureError) {
			if e.Issuer.Cert != imposter.Cert || e.KeyIDMatches || !strings.Contains(e.Error(), "different key") {
				t.Errorf("SignatureError %v", e)
			}
		}), anchors: []*testpki.Cert{root}, reason: UnableToGetIssuerCertLocally, depth: 0}

	// Self-signed leaves.
	self := testpki.Make(t, testpki.Template{CN: "self.example.com", DNS: []string{"self.example.com"}}, nil)
	cases["self-signed leaf"] = buildCase{inputs: []*testpki.Cert{self}, want: []*testpki.Cert{self}, complete: true, check: noError, anchors: []*testpki.Cert{self}}
	selfCA := testpki.Root(t, "selfca.example.com")
	cases["self-signed leaf with CA:TRUE"] = buildCase{inputs: []*testpki.Cert{selfCA}, want: []*testpki.Cert{selfCA}, complete: true, check: noError, anchors: []*testpki.Cert{selfCA}}

	// Two CAs that sign each other and nothing else: no leaf.
	tmpB := testpki.Root(t, "Loop B")
	a := testpki.Make(t, testpki.Template{CN: "Loop A", IsCA: true, MaxPath: -1}, tmpB)
	b := testpki.Make(t, testpki.Template{CN: "Loop B", IsCA: true, MaxPath: -1, Key: tmpB.Key}, a)
	cases["a loop has no leaf"] = buildCase{inputs: []*testpki.Cert{a, b}, check: func(t *testing.T, _ *Path, err error) {
		if !errors.Is(err, ErrNoLeaf) {
			t.Fatalf("Build: %v, want ErrNoLeaf", err)
		}
	}}
	return cases
}

func TestBuild(t *testing.T) {
	for name, tc := range buildCases(t) {
		t.Run(name, func(t *testing.T) {
			p, err := Build(ins(tc.inputs...), BuildOptions{Now: testpki.Now, Key: tc.key, Roots: ins(tc.roots...), AllowExpired: tc.allowExpired, RequireRoot: tc.requireRoot})
			tc.check(t, p, err)
			if tc.want == nil {
				if p != nil {
					t.Errorf("Build returned a path %v along with %v", p.Certs, err)
				}
				return
			}
			if p == nil {
				t.Fatalf("Build returned no path: %v", err)
			}
			sameCerts(t, "path", p.Certs, tc.want)
			sameCerts(t, "unrelated", p.Unrelated, tc.unrelated)
			sameCerts(t, "duplicates", p.Duplicates, tc.duplicates)
			if p.Complete != tc.complete {
				t.Errorf("Complete = %v, want %v", p.Complete, tc.complete)
			}
			if len(p.Warnings) != tc.warnings {
				t.Errorf("Warnings = %v, want %d", p.Warnings, tc.warnings)
			}
			if tc.anchors == nil {
				return
			}
			// openssl must agree: accept the chain Build wrote, or refuse the inputs for
			// the same reason as Verify.
			vc := verifyCase{leaf: tc.want[0], roots: tc.anchors, reason: tc.reason, depth: tc.depth}
			if tc.reason == 0 {
				for _, c := range p.Chain(false)[1:] {
					vc.untrusted = append(vc.untrusted, certOf(tc.inputs, c))
				}
				vc.chain = tc.want
				if !p.Complete {
					vc.chain = append(append([]*testpki.Cert(nil), tc.want...), tc.anchors[0])
				}
			} else {
				for _, c := range tc.inputs {
					if c != tc.want[0] && c != tc.anchors[0] {
						vc.untrusted = append(vc.untrusted, c)
					}
				}
			}
			checkVerify(t, vc)
		})
	}
}

func certOf(all []*testpki.Cert, in Input) *testpki.Cert {
	for _, c := range all {
		if c.Cert == in.Cert {
			return c
		}
	}
	return &testpki.Cert{Cert: in.Cert}
}

func sameCerts(t *testing.T, what string, got []Input, want []*testpki.Cert) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = bytes.Equal(got[i].Cert.Raw, want[i].Cert.Raw)
	}
	if !ok {
		t.Errorf("%s = %v, want %v", what, got, ins(want...))
	}
}

func TestFindLeaf(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	got, err := FindLeaf(ins(inter, root, leaf, inter), nil)
	if err != nil || got.Cert != leaf.Cert {
		t.Fatalf("FindLeaf = %v, %v; want the leaf", got, err)
	}
	got, err = FindLeaf(ins(inter, root, leaf), inter.Key.Public())
	if err != nil || got.Cert != inter.Cert {
		t.Fatalf("FindLeaf by the intermediate's key = %v, %v", got, err)
	}
}
