# Per step of the application's other beans (not the starter's, see starter-steps.jq) in Spring
# Boot's /actuator/startup: one line "step name and bean<TAB>exclusive CPU ms<TAB>exclusive wall ms"
# per step. Compared between the two sides, they show the one-time costs that move to the starter
# when it is the first to pay them (and the reverse).
def bean: [.startupStep.tags[]? | select(.key == "beanName") | .value] | first // "";
def cpu_ms: ([.startupStep.tags[]? | select(.key == "cpuTimeNanos") | .value | tonumber] | first // 0) / 1e6;
def wall_ms: (.duration | ltrimstr("PT") | rtrimstr("S") | tonumber) * 1000;
[.timeline.events[] | {id: .startupStep.id, parent: .startupStep.parentId, name: .startupStep.name, bean: bean,
	cpu: cpu_ms, wall: wall_ms}] as $steps
| ([$steps[] | select(.parent != null)] | group_by(.parent)
	| map({key: (.[0].parent | tostring), value: {cpu: (map(.cpu) | add), wall: (map(.wall) | add)}})
	| from_entries) as $nested
| $steps[]
| select((.name | startswith("spring.beans.")) and .bean != ""
	and (.bean | test("^gracefulShutdown|^graceful-shutdown-|^io\\.github\\.gracefulshutdown\\.(?!sample\\.)") | not))
| [.name + " " + .bean, (.cpu - ($nested[.id | tostring].cpu // 0)), (.wall - ($nested[.id | tostring].wall // 0))]
| @tsv
