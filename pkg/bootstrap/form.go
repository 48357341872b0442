package bootstrap

import (
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Form is what an interactive init knows before it asks anything: the data
// directory and the CA directory as they are now. It decides what the
// questions offer and checks the answers; asking is the caller's business.
type Form struct {
	// DataDir and CADir are absolute.
	DataDir, CADir string
	// CA is the CA in CADir, nil when init will create one.
	CA *ca.CA
	// Found is the data directory as pgdata.Inspect found it, nil when it
	// does not exist yet.
	Found *pgdata.DataDir
}

// NewForm looks at the data directory dataDir and the CA directory that
// caDir returns for it (given the absolute data directory), without changing
// either: a person who answers no at the end finds everything as it was.
func NewForm(dataDir string, caDir func(dataDir string) (string, error)) (*Form, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	f := &Form{DataDir: abs}
	if f.CADir, err = caDir(abs); err != nil {
		return nil, err
	}
	if c, err := ca.Open(f.CADir); err == nil {
		f.CA = c
	}
	f.Found, _ = pgdata.Inspect(abs)
	return f, nil
}

// NewCA reports that init will create the CA, so that the questions about a
// new CA (an intermediate) are asked.
func (f *Form) NewCA() bool { return f.CA == nil }

// DefaultHosts is what the host question offers: the names of the server
// certificate this CA issued before, as a rerun without --host keeps them, else
// machine's (this machine's fully qualified name and localhost).
func (f *Form) DefaultHosts(machine func() []string) []string {
	if f.CA != nil {
		if hosts := PreviousHosts(filepath.Join(f.DataDir, ServerCrtName), f.CA); len(hosts) > 0 {
			return hosts
		}
	}
	return machine()
}

// OffersConfigure reports whether to ask about configuring the server: it
// needs a postgresql.conf to include pgcert.conf from, which a directory that
// does not exist or is not a data directory yet has not.
func (f *Form) OffersConfigure() bool { return Configurable(f.Found) }

// CheckKeyType refuses an Ed25519 key for a new CA unless force: libpq's SCRAM
// channel binding fails with a server certificate signed so.
func (f *Form) CheckKeyType(typ string, force bool) error {
	if f.NewCA() && !force && typ == string(keys.TypeEd25519) {
		return hint.Usagef("a new CA with an Ed25519 key breaks SCRAM channel binding in libpq; choose ec or rsa (or rerun with --type ed25519 --force)")
	}
	return nil
}

// Summary is what the form shows before it asks to go on, for the answers a,
// the key they make, --clients-dir and the command that does the same.
func (f *Form) Summary(a Answers, key keys.GenerateOptions, clientsDir, command string) Summary {
	s := Summary{
		DataDir: f.DataDir, CADir: f.CADir, CA: f.CA, Intermediate: a.Intermediate,
		Hosts: a.Hosts, Key: key, Clients: a.Clients, ClientsDir: clientsDir, Command: command,
	}
	if a.Configure {
		s.Configure = PreviewConfigure(f.DataDir, f.Found)
	}
	return s
}

// ParseList splits a comma-separated answer, dropping spaces and empty items.
func ParseList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// ParseHosts reads the answer to the host question: at least one name, each a
// host name or address, and no wildcard over a whole top-level domain unless
// force.
func ParseHosts(answer string, force bool) ([]string, error) {
	hosts := ParseList(answer)
	if len(hosts) == 0 {
		return nil, hint.Usagef("give at least one host name: libpq's verify-full compares it with the certificate")
	}
	sans, err := selfsign.HostSANs(hosts)
	if err != nil {
		return nil, hint.Usagef("%v", err)
	}
	return hosts, CheckWildcards(sans, force)
}

// ParseRoles reads the answer to the client question: roles (CheckRoles),
// possibly none.
func ParseRoles(answer string) ([]string, error) {
	roles := ParseList(answer)
	return roles, CheckRoles(roles, "--clients-dir", "role %s is given twice")
}

// Answers are what init's questions ask, each also a flag of pgcert init.
type Answers struct {
	Hosts        []string
	Type         string
	Intermediate bool
	Clients      []string
	Configure    bool
}

// Answered reports whether the questions answer the pgcert init flag name
// (-D's is "pgdata"): a command line showing the answers leaves out the flag
// as it was given and writes the answer instead (Flags).
func Answered(name string) bool {
	switch name {
	case "pgdata", "host", "client", "type", "intermediate", "configure":
		return true
	}
	return false
}

// Flags are the answers as pgcert init flags, each word ready for a shell;
// the default key type (ec) and false answers are left out.
func (a Answers) Flags() []string {
	var args []string
	for _, h := range a.Hosts {
		args = append(args, "--host", words.ShellWord(h))
	}
	if a.Type != string(keys.TypeEC) {
		args = append(args, "--type", a.Type)
	}
	if a.Intermediate {
		args = append(args, "--intermediate")
	}
	for _, c := range a.Clients {
		args = append(args, "--client", words.ShellWord(c))
	}
	if a.Configure {
		args = append(args, "--configure")
	}
	return args
}
