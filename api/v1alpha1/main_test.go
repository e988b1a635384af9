package v1alpha1_test

import (
	"os"
	"testing"

	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }
