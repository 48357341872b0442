package rotate_test

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/rotate"
)

func ExampleCommand_String() {
	c := rotate.Command{DataDir: "/srv/pg data", Within: "30d", PassIn: "pass:secret", Reload: true, Wait: rotate.DefaultReloadWait}
	fmt.Println(c)
	// Output:
	// pgcert renew -D '/srv/pg data' --within 30d --reload
}

func ExampleExplainOutside() {
	refused := &rotate.OutsideError{Paths: []string{"/etc/ssl/pg.crt", "/etc/ssl/pg.crt.prev"}, Reasons: []string{"is outside", "is outside"}}
	err := rotate.ExplainOutside(refused, rotate.Command{DataDir: "/srv/pg", Wait: rotate.DefaultReloadWait})
	var h *hint.Error
	errors.As(err, &h)
	fmt.Println(h.Hints[1])
	// Output:
	// if you checked the file and mean renew to write it: pgcert renew -D /srv/pg --allow-outside /etc/ssl/pg.crt
}
