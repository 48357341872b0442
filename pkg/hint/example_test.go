package hint_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/hint"
)

func ExampleErrorf() {
	err := hint.Errorf([]string{"pgcert renew -D /srv/pgdata --force"}, "%s is not due for renewal", "server.crt")
	var h *hint.Error
	if errors.As(err, &h) {
		fmt.Println("error:", h)
		for _, s := range h.Hints {
			fmt.Println("hint:", s)
		}
	}
	// Output:
	// error: server.crt is not due for renewal
	// hint: pgcert renew -D /srv/pgdata --force
}

func ExampleWith() {
	err := hint.With(os.ErrDeadlineExceeded, "try again")
	fmt.Println(err, errors.Is(err, os.ErrDeadlineExceeded))
	fmt.Println(hint.With(nil, "unused"))
	// Output:
	// i/o timeout true
	// <nil>
}

func ExampleInput() {
	_, err := os.ReadFile("/nonexistent/server.crt")
	err = hint.Input("/nonexistent/server.crt", err)
	fmt.Println(err)
	fmt.Println(err.(*hint.Error).Hints)
	// Output:
	// /nonexistent/server.crt: no such file
	// [check the path]
}

func ExampleUsagef() {
	err := hint.Usagef("--days %d: give a positive number of days", 0)
	var u *hint.UsageError
	fmt.Println(err, errors.As(err, &u))
	// Output:
	// --days 0: give a positive number of days true
}
