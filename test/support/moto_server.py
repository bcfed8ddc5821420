"""moto_server for the ECS tests, plus the one ECS action they need that moto lacks.

Real ECS learns how a container ended from its agent, through SubmitContainerStateChange (exit
code, reason, status). moto runs no containers and has no such action, so every container it
describes exited 0. This launcher adds the action to moto's ECS responses before starting the
server, so a test can report "exit 137, OutOfMemoryError" the way the agent would, through the
real AWS SDK, and Berth reads it back with DescribeTasks like any other field.

Usage: python3 test/support/moto_server.py -H 127.0.0.1 -p <port>   (the same arguments as moto_server)
"""

import sys

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.server import main


def submit_container_state_change(self):
    cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
    task_id = str(self._get_param("task", "")).split("/")[-1]
    name = self._get_param("containerName")
    for arn, task in self.ecs_backend.tasks.get(cluster.name, {}).items():
        if not arn.endswith(task_id):
            continue
        for container in task.containers:
            if name is None or container.name == name:
                exit_code = self._get_param("exitCode")
                if exit_code is not None:
                    container.exitCode = int(exit_code)
                if self._get_param("reason") is not None:
                    container.reason = self._get_param("reason")
                if self._get_param("status") is not None:
                    container.last_status = self._get_param("status")
                return ActionResult({"acknowledgment": "ACK"})
        break
    raise InvalidParameterException(f"no container {name!r} in task {task_id!r} of cluster {cluster.name!r}")


EC2ContainerServiceResponse.submit_container_state_change = submit_container_state_change

if __name__ == "__main__":
    main(sys.argv[1:])
