package io.varve.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import io.varve.InvalidArgumentException;
import io.varve.InvalidStreamNameException;
import io.varve.WrongExpectedVersionException;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorTimeoutException;
import io.varve.sample.account.AccountNotFoundException;
import io.varve.sample.account.InsufficientFundsException;

/**
 * Maps failures to RFC 9457 problem details: 409 for a version conflict, 404 for an
 * unknown account, 422 for a refused withdrawal, 400 for bad input.
 */
@RestControllerAdvice
class ErrorHandling extends ResponseEntityExceptionHandler {

	@ExceptionHandler
	ProblemDetail conflict(WrongExpectedVersionException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"The account changed since you read it: it is at version " + ex.actualVersion()
						+ ". Reload it and retry with that version.");
		problem.setTitle("Version conflict");
		problem.setProperty("expectedVersion", ex.expected().version());
		problem.setProperty("actualVersion", ex.actualVersion());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail notFound(AccountNotFoundException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Unknown account");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail insufficientFunds(InsufficientFundsException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		problem.setTitle("Insufficient funds");
		return problem;
	}

	@ExceptionHandler({ ProcessorTimeoutException.class, ProcessorFailedException.class })
	ProblemDetail notYetConsistent(RuntimeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Read model not caught up");
		return problem;
	}

	@ExceptionHandler({ IllegalArgumentException.class, InvalidArgumentException.class,
			InvalidStreamNameException.class })
	ProblemDetail badRequest(RuntimeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Bad request");
		return problem;
	}

}
