package application

import (
	"encoding/json"
	"reflect"
)

// equalJSON compares two values by their JSON form, so nil and empty agree.
func equalJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return reflect.DeepEqual(a, b)
	}
	return string(ja) == string(jb)
}
