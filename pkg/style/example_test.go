package style_test

import (
	"os"

	"github.com/pgcert/pgcert/pkg/style"
)

func ExamplePad() {
	s := style.Plain
	os.Stdout.WriteString("[" + s.Green(style.Pad("ok", 7)) + "]\n")
	// Output:
	// [ok     ]
}

func ExampleIndented() {
	style.Indented(os.Stdout, 4, "fix: ", "pgcert perms fix -D /srv/pg")
	style.Indented(os.Stdout, 4, "at ", "")
	// Output:
	//     fix: pgcert perms fix -D /srv/pg
}

func ExampleFields() {
	style.Fields(os.Stdout, []style.Field{
		{Label: "subject", Value: "CN=db.example.com"},
		{Label: "not after", Value: "2027-01-01 00:00:00 UTC"},
	})
	// Output:
	//   subject:    CN=db.example.com
	//   not after:  2027-01-01 00:00:00 UTC
}
