package httpapi

import (
	"net/http"
	"zhiban/auth"

	"github.com/labstack/echo/v4"
)

// routes is the whole HTTP surface in one table.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.showHealth)
	// Public pages, feeds and JSON: rendered once per change (cache.go), GET and HEAD.
	public := []string{http.MethodGet, http.MethodHead}
	e.Match(public, "/", s.showTodayPage)
	e.Match(public, "/roster/:month", s.showRosterMonth)
	e.Match(public, "/visits", s.showVisitsPage)
	e.Match(public, "/display", s.showDisplay) // the reception hall's TV (大屏)
	e.Match(public, "/qr.png", s.showQRCode)
	e.Match(public, "/feeds/roster.ics", s.showRosterFeed)
	e.Match(public, "/feeds/township/:file", s.showTownshipFeed)
	e.Match(public, "/feeds/roster/:file", s.showOneRosterFeed)
	e.Match(public, "/township/:id", s.showTownshipPage) // a township's 群众工作站
	e.Match(public, "/stations", s.showStationsPage)     // every station today, ?q= by township
	e.Match(public, "/feeds/leader/:file", s.showLeaderFeed)
	e.Match(public, "/api/v1/public/today", s.showTodayJSON)
	e.Match(public, "/api/v1/public/range", s.showRangeJSON)
	e.Match(public, "/api/v1/public/visits", s.showVisitsJSON)
	e.Match(public, "/static/*", s.showStatic)
	e.Match(public, "/favicon.ico", s.showStatic)
	e.Match(public, "/robots.txt", s.showStatic)
	// 到岗签到: the signed link is the leader's credential; no login, no cache.
	e.Match(public, "/signin", s.showSignin)
	e.POST("/signin", s.postSignin)
	// 满意度评价 by code: a write, so never pubcache; same-origin POST, throttled per address.
	e.Match(public, "/evaluate", s.showEvaluate)
	e.POST("/evaluate", s.postEvaluate)
	// 预约接访 (booking.go): the public's bookings; never pubcache, same-origin POSTs, throttled.
	e.Match(public, "/booking", s.showBooking)
	e.POST("/booking", s.postBooking)
	e.Match(public, "/booking/lookup", s.showBookingLookup)
	e.POST("/booking/lookup", s.postBookingLookup)
	e.POST("/booking/cancel", s.postBookingCancel)

	// Staff workspace. Every route but the login form carries requireRole;
	// writes also need the session's CSRF token (TestEveryWriteRouteChecksRole).
	viewer, editor, admin := s.requireRole(auth.RoleViewer), s.requireRole(auth.RoleEditor), s.requireRole(auth.RoleAdmin)
	// A township clerk's account passes only the u* routes; their use cases
	// check the township in the writing transaction (docs/staff-scope.md).
	uViewer, uEditor := s.requireUnitRole(auth.RoleViewer), s.requireUnitRole(auth.RoleEditor)
	uAPIRead, uAPIWrite := uViewer, uEditor
	e.GET("/staff/login", s.showLogin)
	e.POST("/staff/login", s.login)
	e.POST("/staff/logout", s.logout, uViewer)
	e.GET("/staff/password", s.showPasswordForm, uViewer)
	e.POST("/staff/password", s.changePassword, uViewer)
	e.GET("/staff", s.showStaffHome, uViewer)
	e.GET("/staff/audit", s.showAudit, viewer)
	e.GET("/staff/users", s.showUsers, admin)
	e.POST("/staff/users", s.createUser, admin)
	e.POST("/staff/users/:name", s.updateUser, admin)
	e.POST("/staff/users/:name/tokens", s.createToken, admin)
	e.POST("/staff/users/:name/tokens/:id/revoke", s.revokeToken, admin)
	// Cases, visits and sweeps hold private data, so reads are staff-only too (staffAPI).
	apiRead, apiWrite := s.staffAPI(auth.RoleViewer), s.staffAPI(auth.RoleEditor)
	e.GET("/api/v1/cases", s.listCases, apiRead)
	e.POST("/api/v1/cases", s.createCase, apiWrite)
	e.GET("/api/v1/cases/:id", s.showCase, apiRead)
	e.POST("/api/v1/cases/:id/transitions", s.transitionCase, apiWrite)
	e.POST("/api/v1/cases/:id/milestones", s.addMilestone, apiWrite)
	e.POST("/api/v1/cases/:id/extension", s.extendCase, apiWrite)
	e.POST("/api/v1/cases/:id/leader", s.setCaseLeader, apiWrite)
	e.POST("/api/v1/cases/:id/reveal", s.revealPhone, apiWrite)
	e.POST("/api/v1/cases/:id/handovers", s.handOverCase, apiWrite) // 交办单
	// 满意度评价 (staff_evaluations.go)
	e.GET("/api/v1/cases/:id/evaluations", s.listCaseEvaluations, apiRead)
	e.POST("/api/v1/cases/:id/evaluations", s.recordEvaluationJSON, apiWrite)
	e.POST("/api/v1/cases/:id/evaluation-code", s.issueEvaluationCodeJSON, apiWrite)
	e.GET("/api/v1/handovers", s.listHandovers, apiRead)
	e.GET("/api/v1/handovers/:id", s.showHandover, apiRead)
	e.POST("/api/v1/handovers/:id/decline", s.declineHandover, apiWrite)
	e.POST("/api/v1/handovers/:id/report", s.reportHandover, apiWrite)
	e.POST("/api/v1/handovers/:id/withdraw", s.withdrawHandover, apiWrite)
	// Official documents carry petitioners' names: editors only, reads too.
	e.POST("/api/v1/documents", s.issueDocumentJSON, apiWrite)
	e.GET("/api/v1/documents/:kind/:subject", s.showDocumentJSON, apiWrite) // :subject is ID or ID.docx
	e.GET("/api/v1/leaders/:id/free-slots", s.showFreeSlots, uAPIRead)
	e.GET("/api/v1/visits", s.listVisits, uAPIRead)
	e.POST("/api/v1/visits", s.createVisit, uAPIWrite)
	e.GET("/api/v1/visits/:id", s.showVisit, uAPIRead)
	e.POST("/api/v1/visits/:id/confirm", s.confirmVisit, uAPIWrite)
	e.POST("/api/v1/visits/:id/reschedule", s.rescheduleVisit, uAPIWrite)
	e.POST("/api/v1/visits/:id/cancel", s.cancelVisit, uAPIWrite)
	e.POST("/api/v1/visits/:id/outcome", s.recordOutcome, uAPIWrite)
	e.GET("/api/v1/sweeps/current", s.showCurrentSweep, uAPIRead)
	e.GET("/api/v1/sweeps/:month", s.showSweep, uAPIRead)
	e.GET("/api/v1/sweeps/:month/findings", s.listFindings, uAPIRead)
	e.POST("/api/v1/sweeps/:month/reports", s.fileReport, uAPIWrite)
	e.POST("/api/v1/findings/:id/escalate", s.escalateFinding, apiWrite)
	e.POST("/api/v1/findings/:id/resolve", s.resolveFinding, uAPIWrite)
	e.POST("/api/v1/findings/:id/link", s.linkFinding, apiWrite)
	e.GET("/api/v1/flags", s.listFlags, apiRead)
	e.GET("/api/v1/attendance", s.listAttendance, apiRead)
	e.POST("/api/v1/attendance", s.markAttendanceJSON, uAPIWrite)
	e.POST("/api/v1/attendance/undo", s.undoAttendanceJSON, uAPIWrite)
	e.GET("/api/v1/desk", s.showDesk, apiRead)
	e.POST("/api/v1/desk/registrations", s.registerDeskVisit, apiWrite)
	e.POST("/api/v1/desk/repeats", s.findDeskRepeats, apiWrite) // POST: the body carries the ID number
	e.GET("/api/v1/desk/registrations/:id", s.showDeskRegistration, apiRead)
	e.POST("/api/v1/desk/registrations/:id/start", s.startDeskReception, apiWrite)
	e.POST("/api/v1/desk/registrations/:id/finish", s.finishDeskReception, apiWrite)
	e.POST("/api/v1/desk/registrations/:id/reveal", s.revealDeskVisitor, apiWrite)
	e.GET("/api/v1/stats", s.showStatsJSON, apiRead)
	e.GET("/api/v1/jobs", s.listJobsJSON, admin)
	e.POST("/api/v1/jobs/:name/run", s.runJobJSON, admin)
	// Staff pages for cases, visits, sweeps, jobs, holidays and leaders.
	e.GET("/staff/desk", s.showDeskPage, viewer)
	e.POST("/staff/desk/registrations", s.postDeskRegistration, editor)
	e.POST("/staff/desk/registrations/:id/start", s.postDeskStart, editor)
	e.POST("/staff/desk/registrations/:id/finish", s.postDeskFinish, editor)
	e.POST("/staff/desk/registrations/:id/reveal", s.postDeskReveal, editor)
	e.GET("/staff/cases", s.showCaseList, viewer)
	e.GET("/staff/cases.xlsx", s.exportCaseLedger, viewer)
	e.GET("/staff/cases/new", s.showNewCaseForm, editor)
	e.POST("/staff/cases", s.postNewCase, editor)
	e.GET("/staff/cases/:id", s.showCasePage, viewer)
	e.POST("/staff/cases/:id/transition", s.postCaseTransition, editor)
	e.POST("/staff/cases/:id/milestone", s.postCaseMilestone, editor)
	e.POST("/staff/cases/:id/extension", s.postCaseExtension, editor)
	e.POST("/staff/cases/:id/leader", s.postCaseLeader, editor)
	e.POST("/staff/cases/:id/reveal", s.postRevealPhone, editor)
	e.POST("/staff/cases/:id/handovers", s.postHandOver, editor)
	e.POST("/staff/cases/:id/handovers/:hid/decline", s.postHandoverDecline, editor)
	e.POST("/staff/cases/:id/handovers/:hid/report", s.postHandoverReport, editor)
	e.POST("/staff/cases/:id/handovers/:hid/withdraw", s.postHandoverWithdraw, editor)
	e.POST("/staff/cases/:id/evaluations", s.postEvaluation, editor)
	e.POST("/staff/cases/:id/evaluation-code", s.postEvaluationCode, editor)
	e.GET("/staff/handovers", s.showHandoverList, viewer)
	e.POST("/staff/cases/:id/documents", s.postCaseDocument, editor)
	e.POST("/staff/documents", s.postDocument, editor)               // the desk's registration forms
	e.GET("/staff/documents/:kind/:subject", s.showDocument, editor) // :subject is ID or ID.docx
	e.GET("/staff/visits", s.showVisitsCalendar, uViewer)
	e.POST("/staff/visits", s.postVisit, uEditor)
	e.GET("/staff/visits/:id", s.showVisitPage, uViewer)
	e.POST("/staff/visits/:id/confirm", s.postVisitConfirm, uEditor)
	e.POST("/staff/visits/:id/reschedule", s.postVisitReschedule, uEditor)
	e.POST("/staff/visits/:id/cancel", s.postVisitCancel, uEditor)
	e.POST("/staff/visits/:id/outcome", s.postVisitOutcome, uEditor)
	e.GET("/staff/sweeps", s.showCurrentSweepPage, uViewer)
	e.GET("/staff/sweeps/:month", s.showSweepPage, uViewer) // YYYY-MM, or YYYY-MM.xlsx for the report
	e.POST("/staff/sweeps/:month/reports", s.postSweepReport, uEditor)
	e.POST("/staff/findings/:id/escalate", s.postFindingEscalate, editor)
	e.POST("/staff/findings/:id/resolve", s.postFindingResolve, uEditor)
	e.POST("/staff/findings/:id/link", s.postFindingLink, editor)
	e.GET("/staff/flags", s.showFlags, viewer)
	e.GET("/staff/jobs", s.showJobs, viewer)
	e.POST("/staff/jobs/:name/run", s.postJobRun, admin)
	e.GET("/staff/holidays", s.showHolidays, viewer)
	e.POST("/staff/holidays/preview", s.previewHolidays, editor)
	e.POST("/staff/holidays", s.saveHolidays, editor)
	e.POST("/staff/holidays/:year/confirm", s.confirmHolidays, editor)
	e.GET("/staff/leaders", s.showLeaders, viewer)
	e.POST("/staff/leaders/:id/links", s.saveLeaderLinks, editor)
	e.POST("/staff/leaders/:id/feed-token", s.rotateLeaderFeed, editor)
	e.POST("/staff/leaders/:id/feed-token/revoke", s.revokeLeaderFeed, editor)
	e.POST("/api/v1/rosters/:roster/months/:month/publish", s.publishMonth, uAPIWrite)
	e.GET("/staff/roster", s.showRosterIndex, uViewer)
	e.GET("/staff/roster/:roster/slot", s.showSlot, uViewer)
	e.POST("/staff/roster/:roster/assign", s.assignSlot, uEditor)
	e.POST("/staff/roster/:roster/pin", s.pinSlot, uEditor)
	e.POST("/staff/roster/:roster/swap", s.swapSlots, uEditor)
	e.POST("/staff/roster/:roster/attendance", s.postAttendance, uEditor)
	e.POST("/staff/roster/:roster/attendance/undo", s.postAttendanceUndo, uEditor)
	e.GET("/staff/roster/:roster/:month", s.showStaffMonth, uViewer) // YYYY-MM, or YYYY-MM.xlsx to download
	e.POST("/staff/roster/:roster/:month/publish", s.postPublishMonth, uEditor)
	e.GET("/staff/regenerate", s.showRegenerate, uViewer)
	e.POST("/staff/regenerate", s.applyRegenerate, uEditor)
	e.GET("/staff/fairness", s.showFairness, uViewer)
	e.GET("/staff/stats", s.showStats, viewer)
	e.GET("/staff/stats.xlsx", s.exportStats, viewer)
	e.GET("/staff/stats/definitions", s.showStatsDefinitions, viewer) // 统计口径说明: docs/statistics.md
	e.GET("/staff/stats/report", s.showStatsReport, viewer)           // the 通报 or yearly report, A4
	e.GET("/staff/stats/report.docx", s.showStatsReport, viewer)      // the same as .docx
	e.GET("/staff/absences", s.showAbsences, uViewer)
	e.POST("/staff/absences/preview", s.previewAbsence, uEditor)
	e.POST("/staff/absences", s.createAbsence, uEditor)
	e.POST("/staff/absences/:id/delete", s.deleteAbsence, uEditor)
	e.PUT("/api/v1/assignments/:roster/:date/:role", s.putAssignment, uEditor)
	e.GET("/staff/import", s.showImport, editor)
	e.POST("/staff/import/preview", s.previewImport, editor)
	e.POST("/staff/import/apply", s.applyImport, editor)
	e.GET("/staff/import/leaders.xlsx", s.exportLeaders, editor) // phones are in it: not for viewers
	e.GET("/staff/import/absences-template.xlsx", s.exportAbsencesTemplate, editor)
}
