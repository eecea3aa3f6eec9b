package scheduler

import (
	"time"

	"zhiban/service"
)

// SigninCheck tells the office, at jobs.signin_check on a duty day, of each
// roster receiving the public whose leaders none signed in (到岗签到).
func SigninCheck(svc *service.Service) Job {
	return Job{
		Name: "signin-check", Title: "到岗签到检查", Kind: Daily, Key: "jobs.signin_check", Spec: svc.Config().Jobs.SigninCheck,
		// Who did not come this morning is news until the working day ends, not the day after.
		MaxDelay: 9 * time.Hour,
		Run:      withEnv(svc, service.CheckSignins),
	}
}
