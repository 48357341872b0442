package ca

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStepRecord(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadStepRecord(dir); !errors.As(err, new(*NotBoundError)) {
		t.Fatalf("no record: %v", err)
	}
	rec := StepRecord{URL: "https://ca.example.com:9000", RootSHA256: strings.Repeat("0f", 32), Provisioner: "admin"}
	if err := os.WriteFile(filepath.Join(dir, DataDirFile), rec.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadStepRecord(dir)
	if err != nil || *got != rec {
		t.Fatalf("read back %+v, %v", got, err)
	}
	// Commands that work with a CA directory hear whose it is.
	var sb *StepBoundError
	if _, err := ReadDataDirRecord(dir); !errors.As(err, &sb) || sb.Record != rec || !strings.Contains(err.Error(), rec.URL) {
		t.Fatalf("ReadDataDirRecord of a step-ca record: %v", err)
	}
	if _, err := ForDataDir(dir); !errors.As(err, &sb) {
		t.Fatalf("ForDataDir of a step-ca record: %v", err)
	}

	// A CA directory's record is not a step-ca's.
	ca := DataDirRecord{CADir: "/srv/ca", CASHA256: strings.Repeat("1a", 32)}
	if err := os.WriteFile(filepath.Join(dir, DataDirFile), ca.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStepRecord(dir); !errors.Is(err, ErrNotStep) {
		t.Fatalf("a CA directory's record: %v", err)
	}

	// A plain-http address or a short fingerprint is not a record pgcert wrote.
	for _, bad := range []string{"step_ca_url = http://ca\nstep_ca_root_sha256 = " + strings.Repeat("0f", 32), "step_ca_url = https://ca\nstep_ca_root_sha256 = 0f"} {
		if err := os.WriteFile(filepath.Join(dir, DataDirFile), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadStepRecord(dir); err == nil || !strings.Contains(err.Error(), "not a record pgcert wrote") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestChainOf(t *testing.T) {
	c, err := Create(t.TempDir(), CreateOptions{Intermediate: true, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	got := ChainOf(c.Chain()...)
	if len(got.Chain()) != 2 || !got.Root().Equal(c.Root()) || len(got.Intermediates()) != 1 || !got.Intermediates()[0].Equal(c.Cert) || got.Dir != "" {
		t.Fatalf("ChainOf: chain %d, root %v", len(got.Chain()), got.Root() != nil)
	}
	if err := got.Unlock(nil); err == nil {
		t.Error("a chain of certificates alone unlocked a key")
	}
}
