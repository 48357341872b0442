// Package gendocs writes pgcert's shell completion scripts and man pages from the
// command tree, so that they always describe the commands the binary has. The output
// is reproducible byte for byte: no date, no build information.
package gendocs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/pgcert/pgcert/internal/cli"
	"github.com/pgcert/pgcert/internal/iostreams"
)

// Completion files, named as the shells look for them.
const (
	BashFile       = "pgcert.bash"
	ZshFile        = "_pgcert"
	FishFile       = "pgcert.fish"
	PowerShellFile = "pgcert.ps1"
)

// thDate matches the date field of a man page's .TH line, which cobra fills with the
// current month; it is emptied so that regenerating never changes a page.
var thDate = regexp.MustCompile(`(?m)^(\.TH "[^"]*" "[^"]*" )"[^"]*"`)

// neutralFactory is the Factory the command tree is built with: streams that are
// not terminals, no host name, an empty environment and a fixed clock, so that
// nothing in the pages can come from the machine they are generated on.
func neutralFactory() *cli.Factory {
	ios, _, _, _ := iostreams.Test()
	f := cli.NewFactory(ios)
	f.Hostname = func() (string, error) { return "", errors.New("no host name while generating documentation") }
	f.Getenv = func(string) (string, bool) { return "", false }
	f.Now = func() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }
	return f
}

// root builds the command tree as the binary has it, on f.
func root(f *cli.Factory) *cobra.Command {
	cmd := cli.NewRootCmd(f)
	cmd.DisableAutoGenTag = true
	return cmd
}

// Generate writes completions into dir/completions and man pages into dir/man,
// replacing what was there.
func Generate(dir string) error {
	return generate(dir, neutralFactory)
}

func generate(dir string, factory func() *cli.Factory) error {
	comp := filepath.Join(dir, "completions")
	man := filepath.Join(dir, "man")
	for _, d := range []string{comp, man} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := completions(root(factory()), comp); err != nil {
		return err
	}
	return manPages(root(factory()), man)
}

func completions(cmd *cobra.Command, dir string) error {
	for name, gen := range map[string]func(*bytes.Buffer) error{
		BashFile:       func(b *bytes.Buffer) error { return cmd.GenBashCompletionV2(b, true) },
		ZshFile:        func(b *bytes.Buffer) error { return cmd.GenZshCompletion(b) },
		FishFile:       func(b *bytes.Buffer) error { return cmd.GenFishCompletion(b, true) },
		PowerShellFile: func(b *bytes.Buffer) error { return cmd.GenPowerShellCompletionWithDesc(b) },
	} {
		var b bytes.Buffer
		if err := gen(&b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func manPages(cmd *cobra.Command, dir string) error {
	fixed := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	header := &doc.GenManHeader{Title: "PGCERT", Section: "1", Source: "pgcert", Manual: "pgcert manual", Date: &fixed}
	if err := doc.GenManTree(cmd, header, dir); err != nil {
		return err
	}
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, thDate.ReplaceAll(b, []byte(`$1""`)), 0o644); err != nil {
			return err
		}
	}
	return nil
}
