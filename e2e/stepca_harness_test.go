package e2e

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testfs"
)

// stepCA is a standalone step-ca the test initialised and started on 127.0.0.1,
// with a JWK provisioner and its CRL turned on.
type stepCA struct {
	dir string // STEPPATH
	URL string
	// Fingerprint is the root's SHA-256, as step prints it.
	Fingerprint string
	// Provisioner and ProvisionerPass (a file) authorise certificates;
	// RootKey and RootKeyPass (a file) are the root's key, for its CRL.
	Provisioner, ProvisionerPass string
	RootKey, RootKeyPass         string
	RootCert                     string

	cmd  *exec.Cmd
	done chan error
	log  *os.File
}

// stepBinaries finds step-ca and step where `go install` puts them (.ci/run
// installs them): GOBIN, else GOPATH/bin, else PATH. It skips the test when
// they are absent, or fails it in CI.
func stepBinaries(t *testing.T) (stepCABin, stepBin string) {
	t.Helper()
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		// One line each, GOBIN's empty when unset.
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if len(lines) > 0 && strings.TrimSpace(lines[0]) != "" {
			dirs = append(dirs, strings.TrimSpace(lines[0]))
		}
		if len(lines) > 1 {
			for _, p := range filepath.SplitList(strings.TrimSpace(lines[1])) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	find := func(name string) string {
		for _, d := range dirs {
			if p := filepath.Join(d, name); isExecutable(p) {
				return p
			}
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		return ""
	}
	stepCABin, stepBin = find("step-ca"), find("step")
	if stepCABin == "" || stepBin == "" {
		testenv.Missing(t, "step-ca or step is not installed (CGO_ENABLED=0 go install github.com/smallstep/certificates/cmd/step-ca@v0.30.2 github.com/smallstep/cli/cmd/step@v0.30.2)")
	}
	return stepCABin, stepBin
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// freeTCPPort is a port on 127.0.0.1 nothing listens on now.
func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startStepCA initialises a standalone step-ca (step ca init, non-interactive),
// turns its CRL on in ca.json, starts it and waits for /health. It is stopped
// when the test ends.
func startStepCA(t *testing.T) *stepCA {
	t.Helper()
	stepCABin, stepBin := stepBinaries(t)
	base := t.TempDir()
	s := &stepCA{dir: filepath.Join(base, "step"), Provisioner: "pgcert-e2e"}
	s.ProvisionerPass = filepath.Join(base, "provisioner.pass")
	s.RootKeyPass = filepath.Join(base, "ca.pass")
	for path, pass := range map[string]string{s.ProvisionerPass: "provisioner secret\n", s.RootKeyPass: "ca secret\n"} {
		if err := os.WriteFile(path, []byte(pass), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	port := freeTCPPort(t)
	s.URL = "https://127.0.0.1:" + strconv.Itoa(port)
	env := append(os.Environ(), "STEPPATH="+s.dir, "HOME="+base)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	initCmd := exec.CommandContext(ctx, stepBin, "ca", "init", "--deployment-type", "standalone", "--name", "pgcert e2e",
		"--dns", "127.0.0.1", "--dns", "localhost", "--address", "127.0.0.1:"+strconv.Itoa(port),
		"--provisioner", s.Provisioner, "--password-file", s.RootKeyPass, "--provisioner-password-file", s.ProvisionerPass)
	initCmd.Env = env
	if out, err := initCmd.CombinedOutput(); err != nil {
		t.Fatalf("step ca init: %v\n%s", err, out)
	}
	s.RootCert = filepath.Join(s.dir, "certs", "root_ca.crt")
	s.RootKey = filepath.Join(s.dir, "secrets", "root_ca_key")
	fp := exec.CommandContext(ctx, stepBin, "certificate", "fingerprint", s.RootCert)
	fp.Env = env
	out, err := fp.Output()
	if err != nil {
		t.Fatalf("step certificate fingerprint: %v", err)
	}
	s.Fingerprint = strings.TrimSpace(string(out))

	// step-ca publishes a CRL only when ca.json says so; generateOnRevoke makes
	// a revocation show at once.
	confPath := filepath.Join(s.dir, "config", "ca.json")
	var conf map[string]any
	if err := json.Unmarshal(testfs.Read(t, confPath), &conf); err != nil {
		t.Fatal(err)
	}
	// Its CRL names a distribution point (idpURL, critical), and OpenSSL applies
	// it only to certificates that name the same one: the provisioner's
	// template adds it to every certificate, as a deployment must.
	crlURL := s.URL + "/1.0/crl"
	conf["crl"] = map[string]any{"enabled": true, "generateOnRevoke": true, "cacheDuration": "24h0m0s", "idpURL": crlURL}
	authority := conf["authority"].(map[string]any)
	prov := authority["provisioners"].([]any)[0].(map[string]any)
	prov["options"] = map[string]any{"x509": map[string]any{"template": `{
	"subject": {{ toJson .Subject }},
	"sans": {{ toJson .SANs }},
	"keyUsage": ["digitalSignature"],
	"extKeyUsage": ["serverAuth", "clientAuth"],
	"crlDistributionPoints": ["` + crlURL + `"]
}`}}
	data, err := json.MarshalIndent(conf, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(confPath, data, 0o600); err != nil {
		t.Fatal(err)
	}

	if s.log, err = os.Create(filepath.Join(base, "step-ca.log")); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(stepCABin, "--password-file", s.RootKeyPass, confPath)
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("step-ca: %v", err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.Stop(t)
		if t.Failed() {
			t.Logf("step-ca log:\n%s", testfs.Read(t, s.log.Name()))
		}
		s.log.Close()
	})
	s.waitHealthy(t)
	return s
}

// waitHealthy polls /health until step-ca answers ok, or fails the test after a
// minute (step-ca starts in well under a second; a loaded machine takes longer).
func (s *stepCA) waitHealthy(t *testing.T) {
	t.Helper()
	// Only reachability is in question here: the tests check trust through pgcert.
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("step-ca exited: %v\n%s", err, testfs.Read(t, s.log.Name()))
		default:
		}
		resp, err := hc.Get(s.URL + "/health")
		if err == nil {
			var body struct{ Status string }
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if body.Status == "ok" {
				return
			}
			err = fmt.Errorf("status %q", body.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("step-ca at %s did not become healthy: %v", s.URL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop stops step-ca and waits for it to exit; stopping twice is harmless.
func (s *stepCA) Stop(t *testing.T) {
	t.Helper()
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case err := <-s.done:
		s.done <- err
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		s.done <- <-s.done
	}
}

// flags are pgcert's flags naming this step-ca, by fingerprint.
func (s *stepCA) flags() []string {
	return []string{"--ca-url", s.URL, "--ca-fingerprint", s.Fingerprint, "--provisioner", s.Provisioner, "--provisioner-pass", "file:" + s.ProvisionerPass}
}
