package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/world"
)

type makeOptions struct {
	f     *Factory
	Spec  string
	Out   string
	Force bool
}

func newMakeCmd(f *Factory, runF func(*makeOptions) error) *cobra.Command {
	opts := &makeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "make -f SPEC -o DIR",
		Short: "build a whole test PKI (CAs, keys, certificates, CRLs, bundles) from one spec file",
		Long: `Build the certificate world a test suite needs from one YAML spec: CAs and
intermediates at any depth; leaves with any subject, SANs, key type, validity
(expired or not yet valid too), serial and key usages; keys in every format
libpq and the server read, plain or encrypted; CRLs with chosen revoked entries;
bundles and CRL files concatenated in a given order; hashed CRL directories; each
under the name and mode the spec gives. A CI script gets in one command what
otherwise takes dozens of openssl or pgcert commands and a copy out of a CA's
newcerts directory.

Certificates the other commands refuse (version 1, no extensions, a leaf without
subjectAltName, no names at all, an IP address in a dNSName) are made only where
the spec marks them testing: true, since test suites need them to check how
libpq and the server react. The spec format is described in the documentation of
the Go package github.com/pgcert/pgcert/pkg/world, which Go tests can also call
directly; examples/postgres-ssl.yaml builds PostgreSQL's own SSL test files.

Making is idempotent: DIR keeps every key, certificate and CRL in
.pgcert-make.json (mode 0600) with the hash of what each was made from, so a run
with an unchanged spec changes nothing, and changing one entry remakes it and
what depends on it only. DIR is replaced as a whole: the new world is written
beside it and swapped in with one rename, so a failed run leaves the previous
one in place, and files DIR held that the spec does not list are removed. A DIR
holding files but no .pgcert-make.json is refused unless --force.

Exit codes: 0 made (or already up to date); 1 the spec has an error (its line
and field are named) or the world cannot be written, and nothing changed; 2 bad
usage.`,
		Example: `  # instead of: make -f sslfiles.mk sslfiles (about 60 openssl runs)
  pgcert make -f examples/postgres-ssl.yaml -o src/test/ssl

  # what was made: each file's mode and SHA-256, each certificate's subject,
  # serial and validity
  pgcert make -f pki.yaml -o testdata/pki --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return makeRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Spec, "file", "f", "", "the YAML spec `FILE` of the world to build")
	fl.StringVarP(&opts.Out, "out", "o", "", "the output `DIR`, replaced as a whole (created when missing)")
	fl.BoolVar(&opts.Force, "force", false, "replace a DIR that holds files but was not made by pgcert make")
	cmd.MarkFlagFilename("file", "yaml", "yml")
	cmd.MarkFlagDirname("out")
	return cmd
}

// makeReport is the --json output of make.
type makeReport struct {
	Dir string `json:"dir"`
	// Changed is false when DIR already held this world and was not touched.
	Changed bool               `json:"changed"`
	Files   []world.FileResult `json:"files"`
	Certs   []world.CertResult `json:"certs"`
}

func makeRun(opts *makeOptions) error {
	f := opts.f
	if opts.Spec == "" {
		return usageErrorf("give the spec with -f FILE")
	}
	if opts.Out == "" {
		return usageErrorf("give the output directory with -o DIR")
	}
	data, err := f.readInput(opts.Spec)
	if err != nil {
		return err
	}
	spec, err := world.Parse(opts.Spec, data)
	if err != nil {
		return err
	}
	res, err := world.Make(spec, opts.Out, world.Options{Now: f.Now, Force: opts.Force})
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return withHints(err, "run pgcert make as a user who can write to "+opts.Out+" and its parent directory")
		}
		if errors.Is(err, world.ErrNotWorld) {
			return withHints(err, fmt.Sprintf("choose an empty or new directory, or replace %s as a whole: pgcert make -f %s -o %s --force", opts.Out, opts.Spec, opts.Out))
		}
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, makeReport{Dir: res.Dir, Changed: res.Changed, Files: res.Files, Certs: res.Certs})
	}
	if !res.Changed {
		fmt.Fprintf(f.IO.Out, "%s is up to date (%d files)\n", res.Dir, len(res.Files))
		return nil
	}
	made := 0
	for _, file := range res.Files {
		if file.Status == "made" {
			made++
			fmt.Fprintf(f.IO.Out, "made %s (%s)\n", file.Path, file.Mode)
		}
	}
	fmt.Fprintf(f.IO.Out, "%s: %d made, %d unchanged\n", res.Dir, made, len(res.Files)-made)
	return nil
}
