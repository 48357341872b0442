package crl_test

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

func ExampleDirPlan_Apply() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	cert, key := exampleCA("Example CA")
	c := exampleCRL(cert, key, 1, exampleNow, 180)
	os.WriteFile(filepath.Join(dir, "00000000.r0"), []byte("stale"), 0o644)
	plan, err := crl.PlanDir(dir, []*x509.RevocationList{c})
	if err != nil {
		panic(err)
	}
	rep, written, err := plan.Apply(fsutil.Options{Mode: fsutil.PublicMode, Force: true}, map[*x509.RevocationList]string{c: "root.crl"})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(written), "written,", rep.Files[0].Status, "from", rep.Files[0].Source, "mode", rep.Files[0].Mode)
	fmt.Println("removed", filepath.Base(rep.Removed[0]))
	// Output:
	// 1 written, written from root.crl mode 0644
	// removed 00000000.r0
}

func ExampleDirReport_WriteText() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	cert, key := exampleCA("Example CA")
	c := exampleCRL(cert, key, 1, exampleNow, 180, 0x1001)
	plan, _ := crl.PlanDir(dir, []*x509.RevocationList{c})
	rep, _, err := plan.Apply(fsutil.Options{Mode: fsutil.PublicMode, Force: true}, map[*x509.RevocationList]string{c: "root.crl"})
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	rep.WriteText(&b)
	fmt.Print(strings.ReplaceAll(b.String(), dir, "DIR"))
	// Output:
	// DIR: 1 CRL
	//   119708d0.r0  CRL of CN = Example CA, number 1, 1 revoked certificate, next update 2026-06-30T00:00:00Z (from root.crl)
}
