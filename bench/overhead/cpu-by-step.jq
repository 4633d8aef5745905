# Main-thread CPU of a startup by step, from Spring Boot's /actuator/startup (the sample's
# CpuTimeRecordingApplicationStartup): one line "step name<TAB>exclusive CPU ms" per step, the steps
# of the starter's beans (see starter-steps.jq) named STARTER.
def bean: [.startupStep.tags[]? | select(.key == "beanName") | .value] | first // "";
def cpu_ms: ([.startupStep.tags[]? | select(.key == "cpuTimeNanos") | .value | tonumber] | first // 0) / 1e6;
[.timeline.events[] | {id: .startupStep.id, parent: .startupStep.parentId, name: .startupStep.name, bean: bean,
	cpu: cpu_ms}] as $steps
| ([$steps[] | select(.parent != null)] | group_by(.parent)
	| map({key: (.[0].parent | tostring), value: (map(.cpu) | add)}) | from_entries) as $nested
| $steps[]
| [(if (.bean | test("^gracefulShutdown|^graceful-shutdown-|^io\\.github\\.gracefulshutdown\\.(?!sample\\.)"))
	then "STARTER" else .name end), (.cpu - ($nested[.id | tostring] // 0))]
| @tsv
